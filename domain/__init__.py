"""Couplet's domain: the words of DOMAIN.md as plain Python.

Nothing here imports a framework, the API or an adapter. Services take their
ports (typing.Protocol) as parameters; adapters implement those ports.
"""
