"""What making a profile private would hide, said on the settings page before the earner flips the switch.

accounts does not know what a profile shows: each app that puts something on it registers, from its
`AppConfig.ready()`, a callable that takes the keyword argument `user` and returns a sentence saying what
going private breaks for them ("" when nothing):

    profile_visibility.register(profile_going_private_warning)
"""

_warnings = []


def register(warning):
    if warning not in _warnings:
        _warnings.append(warning)


def going_private_warnings(user):
    return [sentence for sentence in (warning(user=user) for warning in _warnings) if sentence]
