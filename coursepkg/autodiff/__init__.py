"""Automatic differentiation, small enough to read in one sitting.

- :mod:`.dual`: forward mode with dual numbers (:class:`Dual`);
- :mod:`.value`: reverse mode on scalars (:class:`Value`), the idea of backpropagation;
- :mod:`.tensor`: reverse mode on NumPy arrays (:class:`Tensor`), enough to train an MLP;
- :mod:`.functional`: :func:`grad`, the gradient of a function as a function;
- :mod:`.graph`: :func:`draw_graph`, a picture of a computation graph;
- :mod:`.opcount`: how many operations a derivative costs with and without reuse;
- :mod:`.topo`: the topological order that backpropagation walks in reverse.
"""

from .dual import Dual, derivative
from .functional import grad
from .graph import draw_graph
from .opcount import Counted, OpCounter, count_operations, operation_count_table
from .tensor import Tensor, softmax_cross_entropy, unbroadcast
from .topo import topological_order
from .value import Value

__all__ = ["Dual", "derivative", "Value", "Tensor", "softmax_cross_entropy", "unbroadcast",
           "grad", "draw_graph", "topological_order",
           "Counted", "OpCounter", "count_operations", "operation_count_table"]
