"""The outside world behind the domain's ports: database, Dataverse, queue, events."""
