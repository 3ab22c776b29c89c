"""A minimal stand-in for the munch package, written by `./lakestack conformance s3` because pip could not install
munch: a dict whose keys are also attributes (Munch), and munchify / unmunchify to convert nested dicts and lists.
s3-tests uses only these."""


class Munch(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name)

    def toDict(self):
        return unmunchify(self)


def munchify(value):
    if isinstance(value, dict):
        return Munch((key, munchify(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(munchify(item) for item in value)
    return value


def unmunchify(value):
    if isinstance(value, dict):
        return dict((key, unmunchify(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(unmunchify(item) for item in value)
    return value
