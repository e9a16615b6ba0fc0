"""The desk: the admin home, one short list per panel, different for each role."""


def desk_context(request):
    return {}
