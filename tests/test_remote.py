"""coursepkg.course.remote: the grader reaches a kernel's objects through plain data only.

The kernel is simulated in-process: the session's ``execute`` hands each request to
``serve`` with a namespace, as the kernel's agent does, and passes the payload through JSON,
as the notebook's display output does.
"""

import json

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from coursepkg.autodiff import Value
from coursepkg.course.checks import StudentError, ch01
from coursepkg.course.remote import (
    NOT_DEFINED, KernelLost, Remote, RemoteError, Session, decode, encode, serve)


def kernel(namespace, **options):
    """A session whose requests are served from ``namespace``, through JSON."""
    handles = {}

    def execute(request):
        return "ok", json.loads(json.dumps(serve(request, namespace, handles)))
    return Session(execute, **options)


def round_trip(value):
    return kernel({"x": value}).lookup("x")


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "text", float("inf"), [1, (2.0, "a")], {"a": [1, 2], "b": None},
    np.float64(0.25), np.int32(7), np.bool_(True)])
def test_plain_data_comes_back_as_itself(value):
    got = round_trip(value)
    assert type(got) is type(value) and got == value


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array(1.5), np.array([True, False]),
    np.arange(24, dtype=np.int64).reshape(2, 3, 4).transpose(2, 0, 1), np.zeros((0, 3)),
    np.array([1 + 2j])])
def test_arrays_keep_shape_dtype_and_values(array):
    got = round_trip(array)
    assert isinstance(got, np.ndarray) and got.dtype == array.dtype
    np.testing.assert_array_equal(got, array)
    got[...] = 0  # a writable copy


def test_nan_survives():
    assert np.isnan(round_trip(float("nan")))


def test_other_objects_stay_in_the_kernel_and_answer_requests():
    class Model:
        scale = 2.0

        def __call__(self, x):
            return x * self.scale

        def fail(self):
            raise ValueError("bad input")

    session = kernel({"model": Model(), "items": [Model()] * 3})
    model = session.lookup("model")
    assert isinstance(model, Remote) and "Model object" in repr(model)
    np.testing.assert_array_equal(model(np.arange(3.0)), [0.0, 2.0, 4.0])
    assert model.scale == 2.0
    with pytest.raises(RemoteError, match="bad input") as raised:
        model.fail()
    assert raised.value.type_name == "ValueError"
    with pytest.raises(AttributeError):
        model.nothing_here
    assert not hasattr(model, "nothing_here")
    with pytest.raises(AttributeError):
        model.scale = 3.0
    items = session.lookup("items")
    assert len(items) == 3 and all(isinstance(item, Remote) for item in items)


def test_isinstance_sees_the_kernel_class_when_the_grader_has_it():
    session = kernel({"pipe": Pipeline([("scale", StandardScaler())]), "v": Value(2.0)})
    pipe = session.lookup("pipe")
    assert isinstance(pipe, Pipeline) and isinstance(pipe, Remote)
    assert isinstance(pipe[-1], StandardScaler)
    assert isinstance(session.lookup("v"), Value)


def test_a_remote_passed_back_arrives_as_its_kernel_object():
    session = kernel({"square": lambda v: v * v})
    x = session.run(Value, 3.0)          # built in the kernel
    out = session.lookup("square")(x)
    out.backward()
    assert x.grad == 6.0                 # the kernel's x received the gradient
    assert session.run(np.add, 1, 2) == 3


def test_missing_names_and_lost_kernels():
    assert kernel({}).lookup("dense") is NOT_DEFINED
    lost = Session(lambda request: ("timeout", None))
    with pytest.raises(KernelLost) as raised:
        lost.lookup("dense")
    assert raised.value.status == "timeout"
    assert not issubclass(KernelLost, Exception)  # a check's `except Exception` lets it pass


def test_large_requests_travel_as_files(tmp_path):
    sent, handles = [], {}

    def execute(request):
        sent.append(request)
        return "ok", json.loads(json.dumps(serve(request, {"f": np.sum}, handles)))
    session = Session(execute, folder=tmp_path, inline_limit=1000)
    big = np.ones(10_000)
    assert session.lookup("f")(big) == 10_000
    assert sent[-1].startswith("file:") and len(sent[-1]) < 200


@pytest.mark.parametrize("payload, reason", [
    ({"__ndarray__": "", "dtype": "|O", "shape": [1]}, "dtype"),
    ({"__ndarray__": "", "dtype": "<f8", "shape": [10**6, 10**6]}, "shape"),
    ({"__float__": "__import__('os')"}, "float"),
    ({"__pickle__": "gASV"}, "keys"),
    ([1, 2], "bare list"),
])
def test_the_grader_refuses_anything_but_plain_data(payload, reason):
    with pytest.raises(ValueError, match=reason):
        decode(payload, Session(lambda request: ("ok", None)))


def test_unreadable_results_are_the_students_error():
    session = Session(lambda request: ("ok", {"__ndarray__": "", "dtype": "|O", "shape": [1]}))
    with pytest.raises(RemoteError) as raised:
        session.lookup("x")
    assert raised.value.type_name == "UnreadableResult"


def test_object_arrays_are_not_sent_as_data():
    kept = []
    encoded = encode(np.array([object()]), lambda obj: kept.append(obj) or {"__remote__": 1})
    assert kept and encoded == {"__remote__": 1}


def test_a_check_runs_on_a_remote_answer_as_on_a_local_one():
    def dense(X, W, b):
        return X @ W + b

    def wrong(X, W, b):
        return np.zeros((len(X), W.shape[1]))

    for answer, points in ((dense, 3), (wrong, 0)):
        session = kernel({"dense": answer})
        result = ch01.QUESTIONS["q1"].run(session.lookup("dense"), session)
        assert result.points == points


def test_check_run_turns_a_kernel_error_into_a_failed_case():
    from coursepkg.course.checks import Check
    check = Check("q1", "t", "answer", "hint", session=kernel({}))
    with pytest.raises(StudentError, match="raised ZeroDivisionError"):
        check.run(divide, 1, 0)


def divide(a, b):
    return a / b
