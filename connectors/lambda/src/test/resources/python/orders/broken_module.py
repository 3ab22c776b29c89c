import missing_dependency_of_orders


def handler(event, context):
    return event
