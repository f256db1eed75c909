"""Adapters over outside libraries: one module per library, each exposing ``target(device) -> Target``
(numpy in, numpy out), what it supports, and the convention differences it documents.
The registry of target names is :data:`convspec.conformance.targets.ADAPTERS`.
"""
