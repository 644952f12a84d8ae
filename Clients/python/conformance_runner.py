#!/usr/bin/env python3
"""The Python client's runner of the conformance suite (Clients/conformance/README.md).

    QBSYNC_SOCKET=/path/s.sock python3 Clients/python/conformance_runner.py CASE.json
"""
import json
import os
import queue
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from google.protobuf import json_format  # noqa: E402
from google.protobuf import symbol_database  # noqa: E402

from qbsync_client import Client, RpcError  # noqa: E402
from qbsync_client._methods import service_methods  # noqa: E402
from qbsync_client._proto.qbsync.v1 import service_pb2  # noqa: E402,F401

METHODS = {m.name: m for m in service_methods()}
UNKNOWN_PREFIX = "/qbsync.v1.QuickBooksSync/"


class Failed(Exception):
    pass


def to_json(message):
    return json.loads(json_format.MessageToJson(message, preserving_proto_field_name=False))


def integer(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def matches(expected, actual, path="$"):
    """None when `actual` matches `expected`, else what differs."""
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)).startswith("$"):
        op, arg = next(iter(expected.items()))
        if op == "$present":
            return None if actual is not None else f"{path}: missing"
        if op == "$contains":
            return None if isinstance(actual, str) and arg in actual else f"{path}: {actual!r} does not contain {arg!r}"
        if op in ("$gt", "$gte"):
            value, bound = integer(actual), integer(arg)
            if value is None or bound is None:
                return f"{path}: {actual!r} is not an integer to compare with {arg!r}"
            return None if (value > bound if op == "$gt" else value >= bound) else f"{path}: {value} is not {op[1:]} {bound}"
        if op == "$len":
            return None if isinstance(actual, list) and len(actual) == arg else f"{path}: {actual!r} does not have {arg} elements"
        return f"{path}: unknown operator {op}"
    if expected is None:
        return None if actual is None else f"{path}: expected absent, got {actual!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        for key, value in expected.items():
            problem = matches(value, actual.get(key), f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {len(expected)} elements, got {actual!r}"
        for index, (e, a) in enumerate(zip(expected, actual)):
            problem = matches(e, a, f"{path}[{index}]")
            if problem:
                return problem
        return None
    if integer(expected) is not None and integer(actual) is not None and not isinstance(expected, bool):
        return None if integer(expected) == integer(actual) else f"{path}: expected {expected!r}, got {actual!r}"
    return None if expected == actual else f"{path}: expected {expected!r}, got {actual!r}"


def substitute(value, variables):
    if isinstance(value, str):
        whole = re.fullmatch(r"\$\{(\w+)\}", value)
        if whole:
            return variables[whole.group(1)]
        return re.sub(r"\$\{(\w+)\}", lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def lookup(value, path):
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise Failed(f"capture: no {path!r} in {value!r}")
    return value


def check_status(expect, error):
    code = expect.get("code", "OK")
    actual = "OK" if error is None else error.code_name
    if actual != code:
        raise Failed(f"expected {code}, got {actual}" + (f": {error.message}" if error else ""))
    if error is None:
        return
    if "message_contains" in expect and expect["message_contains"] not in error.message:
        raise Failed(f"message {error.message!r} does not contain {expect['message_contains']!r}")
    database = symbol_database.Default()
    for wanted in expect.get("details", []):
        problems = []
        for type_name, value in error.details:
            if type_name != wanted["type"]:
                continue
            message = database.GetSymbol(type_name)()
            message.ParseFromString(value)
            problem = matches(wanted.get("value", {}), to_json(message))
            if problem is None:
                break
            problems.append(problem)
        else:
            raise Failed(f"no {wanted['type']} detail matching {wanted.get('value')}: {problems or [t for t, _ in error.details]}")


class Stream:
    """A server stream read by a thread into a queue, so reads can time out."""

    def __init__(self, iterator):
        self.iterator = iterator
        self.items = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        try:
            for message in self.iterator:
                self.items.put(("message", message))
            self.items.put(("end", None))
        except RpcError as error:
            self.items.put(("end", error))

    def take(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failed("timed out waiting for the stream")
        try:
            return self.items.get(timeout=left)
        except queue.Empty:
            raise Failed("timed out waiting for the stream") from None


def run(case, socket):
    client = Client(socket, timeout=30.0)
    streams = {}
    variables = {}
    for index, raw in enumerate(case["steps"]):
        step = substitute(raw, variables)
        try:
            if "sleep_ms" in step:
                time.sleep(step["sleep_ms"] / 1000)
            elif "driver" in step:
                sys.stdout.write(f"driver: {step['driver']}\n")
                sys.stdout.flush()
                if sys.stdin.readline().strip() != "ok":
                    raise Failed("the driver did not answer ok")
            elif "open" in step:
                method = METHODS[step["call"]]
                request = json_format.ParseDict(step.get("request", {}), method.request_class())
                timeout = step["timeout_ms"] / 1000 if "timeout_ms" in step else None
                streams[step["open"]] = Stream(client.call_server_streaming(
                    method.path, request, method.response_class, timeout=timeout, metadata=step.get("metadata")))
            elif "read" in step:
                stream = streams[step["read"]]
                deadline = time.monotonic() + step.get("within_ms", 10000) / 1000
                wanted = step.get("next", step.get("until"))
                while True:
                    kind, value = stream.take(deadline)
                    if kind == "end":
                        raise Failed(f"the stream ended ({value or 'OK'}) before a message matched {wanted}")
                    actual = to_json(value)
                    problem = matches(wanted, actual)
                    if problem is None:
                        for name, path in step.get("capture", {}).items():
                            variables[name] = lookup(actual, path)
                        break
                    if "next" in step:
                        raise Failed(f"the next message does not match: {problem}")
            elif "end" in step:
                stream = streams[step["end"]]
                deadline = time.monotonic() + step.get("within_ms", 10000) / 1000
                while True:
                    kind, value = stream.take(deadline)
                    if kind == "end":
                        check_status(step.get("expect", {}), value)
                        break
            elif "cancel" in step:
                streams[step["cancel"]].iterator.close()
            elif "call" in step:
                expect = step.get("expect", {})
                timeout = step["timeout_ms"] / 1000 if "timeout_ms" in step else None
                method = METHODS.get(step["call"])
                error, response = None, None
                try:
                    if method is None:
                        client.call_unary(UNKNOWN_PREFIX + step["call"], b"", _Empty,
                                          timeout=timeout, metadata=step.get("metadata"))
                    else:
                        request = json_format.ParseDict(step.get("request", {}), method.request_class())
                        response = client.call_unary(method.path, request, method.response_class, timeout=timeout, metadata=step.get("metadata"))
                except RpcError as caught:
                    error = caught
                check_status(expect, error)
                if response is not None:
                    actual = to_json(response)
                    if "response" in expect:
                        problem = matches(expect["response"], actual)
                        if problem:
                            raise Failed(f"response differs: {problem}\n  got {json.dumps(actual)[:2000]}")
                    for name, path in step.get("capture", {}).items():
                        variables[name] = lookup(actual, path)
            else:
                raise Failed(f"unknown step {step}")
        except Failed as failure:
            print(f"step {index} {json.dumps(raw)[:300]}:\n  {failure}", file=sys.stderr)
            return 1
    client.close()
    return 0


class _Empty:
    """Stands in for the response class of a method the client does not know."""

    @staticmethod
    def FromString(_data):
        return None


def main():
    if len(sys.argv) != 2:
        print("usage: conformance_runner.py CASE.json (with QBSYNC_SOCKET set)", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        case = json.load(f)
    return run(case, os.environ["QBSYNC_SOCKET"])


if __name__ == "__main__":
    sys.exit(main())
