"""Hand-written in-memory fakes of the domain's ports, for fast unit tests.

`InMemoryDatabase` and `InMemoryUnitOfWork` stand in for the SQL stores, `FakeCrm`
for Dataverse. mypy checks every fake against its port (pyproject's `files`), so a
port that changes shows up here first."""
