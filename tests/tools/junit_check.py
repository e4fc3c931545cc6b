# Reads a JUnit file with Python's XML parser (expat: it rejects what XML
# 1.0 does not allow) and prints its structure as JSON for the C test.
import json
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
out = {"root": root.tag, "attributes": dict(root.attrib), "suites": []}
for suite in suites:
    cases = []
    for case in suite.findall("testcase"):
        failure = case.find("failure")
        cases.append({
            "name": case.get("name"),
            "classname": case.get("classname"),
            "failure": None if failure is None else {
                "message": failure.get("message"), "type": failure.get("type"),
                "text": failure.text or ""},
            "out": case.findtext("system-out"),
            "properties": {p.get("name"): p.get("value")
                           for p in case.findall("properties/property")},
        })
    out["suites"].append({"attributes": dict(suite.attrib), "cases": cases})
json.dump(out, sys.stdout)
