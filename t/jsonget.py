#!/usr/bin/env python3
"""t/jsonget.py FILE [KEY...]: fails unless FILE is one valid JSON object; prints each KEY's
value (null as 'null', booleans as 'true'/'false'), one per line. KEY may be a.b for nesting."""
import json
import sys

with open(sys.argv[1], "rb") as f:
    doc = json.loads(f.read().decode("utf-8"))
if not isinstance(doc, dict):
    sys.exit("not a JSON object")
for key in sys.argv[2:]:
    value = doc
    for part in key.split("."):
        value = value[part]
    print(json.dumps(value) if not isinstance(value, str) else value)
