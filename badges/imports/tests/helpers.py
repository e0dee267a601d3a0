from pathlib import Path

FILES = Path(__file__).parent / "files"
HEADER = "template,email,name,issued on"


def fixture(name):
    return (FILES / name).read_bytes()


def csv_bytes(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()
