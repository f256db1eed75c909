"""A target whose module changes the working folder when imported (a library that moves to its data folder):
for tests/test_isolation.py. It moves to the folder ``elsewhere`` beside this file; its relu is right."""

import os

from convspec import reference

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "elsewhere"))

relu = reference.relu
