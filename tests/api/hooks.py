"""Schemathesis hooks for gongkai's API (loaded through SCHEMATHESIS_HOOKS by schemathesis.sh).

The request schemas state every rule of the two submit bodies that JSON Schema can state. Two
cannot be: an organ code must name an organisation that exists (the list is data, served at
GET /api/v1/organisations), and the last character of an ID number or a 统一社会信用代码 is a
check character (GB 11643, GB 32100). A client meets them by picking a listed organisation and
computing the check character; this hook does the same to each body before it is sent, so that a body
the schema calls valid is also one a careful client would send. Nothing else is changed.
"""

import json
import os
import urllib.request

import schemathesis

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

with urllib.request.urlopen(os.environ["GONGKAI_API_BASE"] + "/api/v1/organisations", timeout=30) as r:
    CODES = sorted(o["code"] for o in json.load(r))
if not CODES:
    raise SystemExit("the server lists no organisations")


def listed(code):
    """A listed organ code chosen by the generated one (the same input gives the same code)."""
    return CODES[sum(code.encode()) % len(CODES)]


def with_id_check(number):
    if len(number) != 18 or not number[:17].isdigit():
        return number
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return number[:17] + ID_CHECK[total % 11]


def with_credit_check(code):
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        return code
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS))
    return code[:17] + CREDIT_CHARS[(31 - total % 31) % 31]


@schemathesis.hook
def before_call(context, case, kwargs):
    # Every phase's request passes here (the coverage phase does not go through map_body).
    body = case.body
    if not isinstance(body, dict):
        return
    if isinstance(body.get("org"), str):
        body["org"] = listed(body["org"])
    if isinstance(body.get("to"), str) and body["to"] != "head":
        body["to"] = listed(body["to"])
    if isinstance(body.get("id_number"), str):
        body["id_number"] = with_id_check(body["id_number"])
    if isinstance(body.get("credit_code"), str):
        body["credit_code"] = with_credit_check(body["credit_code"])
