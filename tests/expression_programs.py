"""Random expression graphs for the autodiff tests, shared by the Value and Tensor suites.

A *program* is a list of ``(op name, operand indices)`` steps over a list of nodes that
starts with the leaves; ``OPS[name][0](backend, *operands)`` builds one step, so the same
program runs on the engine, on plain numbers (for finite differences) and on TensorFlow.
"""


def arity(ops, name):
    """Number of operands of op ``name`` (its builder's arguments after the backend)."""
    return ops[name][0].__code__.co_argcount - 1


def run(ops, program, leaves, backend):
    """Evaluate ``program`` on ``leaves`` with ``backend``; returns the last node."""
    nodes = list(leaves)
    for name, operands in program:
        nodes.append(ops[name][0](backend, *(nodes[i] for i in operands)))
    return nodes[-1]
