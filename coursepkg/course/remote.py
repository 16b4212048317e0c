"""Objects of a student's kernel, used from the grader process.

When a submission is graded, its notebook runs in a kernel of its own, and everything in that
kernel is the student's to change: a cell may patch ``numpy.isclose``, replace a function of
``coursepkg`` or redefine a builtin. So the checks do not run there. They run in the grader
process, with its own NumPy and its own copy of the package, on a :class:`Remote` that
stands for the student's answer. Calling it, reading one of its attributes or indexing it
sends one request to the kernel, where :func:`serve` performs the operation on the real
object and sends back only the raw result:

* plain data (``None``, booleans, numbers, strings, NumPy arrays of numbers, and lists,
  tuples and dicts of these) is encoded as JSON, which the grader decodes with code of its
  own; nothing from the kernel is ever unpickled or evaluated by the grader;
* any other object stays in the kernel and comes back as a new :class:`Remote` (a fitted
  estimator, an autodiff node, a Keras model);
* an exception raised by the student's code comes back as :class:`RemoteError`, with the
  type name and the message.

Arguments go the other way, from the grader to the kernel, pickled: they are the check's
own inputs, and the kernel may read them as it likes. A :class:`Remote` passed as an
argument arrives as the kernel object it stands for.

``isinstance(remote, cls)`` is true when the kernel object's class has the module and name
of ``cls``, so a check written for local objects runs unchanged on remote ones.
"""

from __future__ import annotations

import base64
import importlib
import math
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

from coursepkg.course.checks import NOT_DEFINED

__all__ = ["Remote", "RemoteError", "KernelLost", "Session", "serve", "encode", "decode"]

#: Largest array the kernel may send back, in elements.
MAX_ELEMENTS = 50_000_000
#: Deepest nesting of lists, tuples and dicts decoded.
MAX_DEPTH = 20
_NUMERIC_KINDS = "biufc"




class RemoteError(Exception):
    """The student's code raised ``type_name(message)`` in the kernel."""

    def __init__(self, type_name: str, message: str):
        super().__init__(message)
        self.type_name = type_name


class KernelLost(BaseException):
    """The kernel timed out or died during a request; the question cannot go on.

    A ``BaseException``, so that the checks' ``except Exception`` (which turns a student's
    error into a failed case) lets it through to the grader.
    """

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class _Ref:
    """A :class:`Remote` on its way back to the kernel: the handle of the object it names."""

    def __init__(self, handle: int):
        self.handle = handle


# ------------------------------------------------------------------------------ encoding

def _encode_array(array: np.ndarray) -> dict:
    return {"__ndarray__": base64.b64encode(array.tobytes(order="C")).decode("ascii"),
            "dtype": array.dtype.str, "shape": list(array.shape)}


def encode(value: Any, keep: Callable[[Any], dict], depth: int = 0) -> Any:
    """``value`` as JSON-ready data; ``keep(obj)`` stores any other object and returns the
    description of its handle. Runs in the kernel."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic) and value.dtype.kind in _NUMERIC_KINDS:
        return {"__scalar__": _encode_array(np.asarray(value))}
    if isinstance(value, np.ndarray) and value.dtype.kind in _NUMERIC_KINDS:
        return _encode_array(value)
    if depth < MAX_DEPTH:
        if type(value) in (list, tuple):
            return {f"__{type(value).__name__}__":
                    [encode(item, keep, depth + 1) for item in value]}
        if type(value) is dict and all(type(key) is str for key in value):
            return {"__dict__": [[key, encode(item, keep, depth + 1)]
                                 for key, item in value.items()]}
    return keep(value)


def _decode_array(data: dict) -> np.ndarray:
    dtype = np.dtype(str(data["dtype"]))
    if dtype.kind not in _NUMERIC_KINDS or dtype.hasobject:
        raise ValueError(f"refused array of dtype {dtype}")
    shape = tuple(int(n) for n in data["shape"])
    if any(n < 0 for n in shape) or math.prod(shape) > MAX_ELEMENTS:
        raise ValueError(f"refused array of shape {shape}")
    raw = base64.b64decode(str(data["__ndarray__"]), validate=True)
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(data: Any, session: "Session", depth: int = 0) -> Any:
    """The grader's own objects for the JSON data :func:`encode` produced. Runs in the
    grader: only plain data is built, and any other object becomes a :class:`Remote`."""
    if depth > MAX_DEPTH:
        raise ValueError("refused data nested too deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        raise ValueError("refused a bare list")
    if not isinstance(data, dict) or len(data) == 0:
        raise ValueError(f"refused data of type {type(data).__name__}")
    if "__ndarray__" in data:
        return _decode_array(data)
    if "__scalar__" in data:
        return _decode_array(data["__scalar__"])[()]
    if "__float__" in data:
        text = str(data["__float__"])
        if text not in ("nan", "inf", "-inf"):
            raise ValueError(f"refused float {text!r}")
        return float(text)
    if "__list__" in data:
        return [decode(item, session, depth + 1) for item in data["__list__"]]
    if "__tuple__" in data:
        return tuple(decode(item, session, depth + 1) for item in data["__tuple__"])
    if "__dict__" in data:
        return {str(key): decode(item, session, depth + 1) for key, item in data["__dict__"]}
    if "__remote__" in data:
        return Remote(session, int(data["__remote__"]), str(data.get("type", "")),
                      str(data.get("repr", ""))[:200])
    if "__missing__" in data:
        return NOT_DEFINED
    raise ValueError(f"refused data with keys {sorted(data)[:5]}")


# --------------------------------------------------------------------------- kernel side

def _describe_type(value: Any) -> str:
    cls = type(value)
    return f"{getattr(cls, '__module__', '')}:{getattr(cls, '__qualname__', cls.__name__)}"


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return " ".join(text.split())[:200]


def serve(request: str, namespace: dict, handles: dict) -> dict:
    """Perform one request in the kernel and return its JSON-ready result.

    ``request`` is the base64 pickle the grader sent, or ``"file:PATH"`` of a pickle file
    it wrote for a large one: ``(operation, handle, argument)``
    with operation ``"lookup"`` (a name of ``namespace``), ``"call"`` (``(args, kwargs)``),
    ``"getattr"`` (a name), ``"getitem"`` (a key), ``"len"``, ``"iter"``, ``"origin"``
    (where a function or class was defined), ``"run"`` (an
    importable ``"module:qualname"`` and ``(args, kwargs)``) or ``"release"``. ``handles``
    maps the handles sent earlier to their objects.
    """
    def keep(obj):
        handle = len(handles) + 1
        while handle in handles:
            handle += 1
        handles[handle] = obj
        return {"__remote__": handle, "type": _describe_type(obj), "repr": _short_repr(obj)}

    def resolve(value, depth=0):
        if isinstance(value, _Ref):
            return handles[value.handle]
        if depth < MAX_DEPTH and type(value) in (list, tuple):
            return type(value)(resolve(item, depth + 1) for item in value)
        if depth < MAX_DEPTH and type(value) is dict:
            return {key: resolve(item, depth + 1) for key, item in value.items()}
        return value

    if request.startswith("file:"):
        with open(request[len("file:"):], "rb") as file:
            operation, handle, argument = pickle.load(file)
    else:
        operation, handle, argument = pickle.loads(base64.b64decode(request))
    if operation == "lookup":
        if argument not in namespace:
            return {"__missing__": True}
        return encode(namespace[argument], keep)
    if operation == "release":
        handles.clear()
        return None
    try:
        if operation == "run":
            module, _, qualname = argument[0].partition(":")
            target = importlib.import_module(module)
            for part in qualname.split("."):
                target = getattr(target, part)
            args, kwargs = resolve(argument[1])
            return encode(target(*args, **kwargs), keep)
        obj = handles[handle]
        if operation == "call":
            args, kwargs = resolve(argument)
            result = obj(*args, **kwargs)
        elif operation == "getattr":
            result = getattr(obj, argument)
        elif operation == "getitem":
            result = obj[resolve(argument)]
        elif operation == "len":
            result = len(obj)
        elif operation == "iter":
            result = list(obj)
        elif operation == "origin":
            is_code = isinstance(obj, type) or type(obj).__name__ == "function"
            return f"{obj.__module__}.{obj.__qualname__}" if is_code else None
        else:
            raise ValueError(f"unknown operation {operation!r}")
    except (Exception, SystemExit) as error:
        return {"__error__": type(error).__name__, "message": " ".join(str(error).split())[:500]}
    return encode(result, keep)


# --------------------------------------------------------------------------- grader side

class Session:
    """The grader's end of the conversation with one kernel.

    Parameters
    ----------
    execute : callable
        ``execute(request)`` sends the request to the kernel's :func:`serve` and returns
        ``(status, payload)``: status ``"ok"`` with the JSON payload :func:`serve`
        returned, or ``"timeout"``, ``"dead"`` or ``"error"`` (with ``None``).
    folder : path-like, optional
        A folder the kernel can read: requests larger than ``inline_limit`` bytes are
        written there as files instead of being sent inline.
    """

    def __init__(self, execute: Callable[[str], tuple[str, Any]], folder=None,
                 inline_limit: int = 1 << 16):
        self._execute = execute
        self._folder = folder
        self._inline_limit = inline_limit
        self._files = 0

    def request(self, operation: str, handle: int | None = None, argument: Any = None):
        """Send one request; its decoded result, or :class:`RemoteError`/:class:`KernelLost`."""
        pickled = pickle.dumps((operation, handle, _refs(argument)),
                               protocol=pickle.HIGHEST_PROTOCOL)
        if self._folder is not None and len(pickled) > self._inline_limit:
            self._files += 1
            path = Path(self._folder, f"coursepkg-request-{self._files}.pkl")
            path.write_bytes(pickled)
            message = f"file:{path}"
        else:
            message = base64.b64encode(pickled).decode("ascii")
        status, payload = self._execute(message)
        if status != "ok":
            raise KernelLost(status)
        if isinstance(payload, dict) and "__error__" in payload:
            raise RemoteError(str(payload["__error__"])[:100], str(payload.get("message"))[:500])
        try:
            return decode(payload, self)
        except (ValueError, TypeError, KeyError) as error:
            raise RemoteError("UnreadableResult", f"the result could not be read: {error}")

    def lookup(self, name: str) -> Any:
        """The notebook's object called ``name``: data, a :class:`Remote`, or
        ``coursepkg.course.checks.NOT_DEFINED``."""
        return self.request("lookup", None, name)

    def run(self, function: Callable, *args, **kwargs) -> Any:
        """``function(*args, **kwargs)`` run in the kernel, where ``function`` (a class or a
        module-level function) is imported by its module and name; an object it returns
        stays there (a :class:`Remote`), data comes back."""
        return self.request("run", None, (f"{function.__module__}:{function.__qualname__}",
                                          (args, kwargs)))

    def origin(self, obj: "Remote") -> str | None:
        """``"module.qualname"`` of a kernel function or class, ``None`` for other objects."""
        return self.request("origin", object.__getattribute__(obj, "_handle"))

    def release(self) -> None:
        """Forget every object kept for this session in the kernel."""
        self.request("release")


def _refs(value: Any, depth: int = 0) -> Any:
    """``value`` with every :class:`Remote` replaced by its handle, ready to pickle."""
    if isinstance(value, Remote):
        return _Ref(object.__getattribute__(value, "_handle"))
    if depth < MAX_DEPTH and type(value) in (list, tuple):
        return type(value)(_refs(item, depth + 1) for item in value)
    if depth < MAX_DEPTH and type(value) is dict:
        return {key: _refs(item, depth + 1) for key, item in value.items()}
    return value


def _local_class(description: str) -> type | None:
    """The grader's class of the same module and name, if that module is imported here."""
    module_name, _, qualname = description.partition(":")
    target = sys.modules.get(module_name)
    for part in qualname.split(".") if target is not None else ():
        target = getattr(target, part, None)
    return target if isinstance(target, type) else None


#: Special attributes a :class:`Remote` asks the kernel for.
_NAMES_ASKED = {"__name__", "__qualname__"}


class Remote:
    """An object of the student's kernel (see the module notes)."""

    __slots__ = ("_session", "_handle", "_type", "_repr")

    def __init__(self, session: Session, handle: int, type_description: str, text: str):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", type_description)
        object.__setattr__(self, "_repr", text)

    def _ask(self, operation: str, argument: Any = None) -> Any:
        return object.__getattribute__(self, "_session").request(
            operation, object.__getattribute__(self, "_handle"), argument)

    def __call__(self, *args, **kwargs):
        return self._ask("call", (args, kwargs))

    def __getattr__(self, name: str):
        # Special names are asked of the kernel only when they describe the object (a
        # function's name); the others (__array__, __reduce_ex__, ...) are probes that
        # NumPy, copy or pickle make, which a kernel object does not answer.
        if name.startswith("__") and name not in _NAMES_ASKED:
            raise AttributeError(name)
        try:
            return self._ask("getattr", name)
        except RemoteError as error:
            if error.type_name == "AttributeError":
                raise AttributeError(str(error)) from None
            raise

    def __setattr__(self, name, value):
        raise AttributeError("a kernel object cannot be changed from the grader")

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __len__(self) -> int:
        return int(self._ask("len"))

    def __iter__(self):
        return iter(self._ask("iter"))

    @property
    def __class__(self):
        found = _local_class(object.__getattribute__(self, "_type"))
        return found if found is not None else Remote

    @property
    def remote_type(self) -> str:
        """``"module:qualname"`` of the object's class in the kernel."""
        return object.__getattribute__(self, "_type")

    def __repr__(self) -> str:
        return object.__getattribute__(self, "_repr")


#: The source run once in the kernel, after the notebook's own cells, to answer requests.
#: ``{name}`` is the (unguessable) name of the function, ``{mime}`` the output's MIME type.
AGENT_SOURCE = """\
def {name}(request, token, _handles={{}}):
    from IPython import get_ipython
    from IPython.display import display
    from coursepkg.course.remote import serve
    display({{{mime!r}: {{"token": token,
                          "result": serve(request, get_ipython().user_ns, _handles)}}}},
            raw=True)
"""

