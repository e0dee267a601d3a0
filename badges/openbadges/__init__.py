"""Open Badges: the 2.0 hosted JSON, baked images, 3.0 signed credentials and verification."""
