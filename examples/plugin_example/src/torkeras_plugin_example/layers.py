"""The ``Swish`` layer: ``x * sigmoid(beta * x)`` with a learned scalar ``beta``."""
from torkeras import backend as K
from torkeras import initializers
from torkeras.engine.base_layer import Layer


class Swish(Layer):
    """Swish activation with a learned slope: ``x * sigmoid(beta * x)``.

    Args:
        beta: initial value of ``beta``; ``1.0`` gives ``x * sigmoid(x)``.
        trainable_beta: whether training updates ``beta``.
        **kwargs: base layer arguments (``name``, ``input_shape``...).

    Input shape:
        Any. Use ``input_shape`` when this is the first layer of a model.

    Output shape:
        Same as the input.

    Example:
        >>> model = Sequential([Dense(4, input_shape=(3,)), Swish(beta=1.5)])
    """

    def __init__(self, beta=1.0, trainable_beta=True, **kwargs):
        super(Swish, self).__init__(**kwargs)
        if isinstance(beta, bool) or not isinstance(beta, (int, float)):
            raise TypeError("`Swish`: `beta` must be a number. Received: beta=%r" % (beta,))
        self.initial_beta = float(beta)
        self.trainable_beta = bool(trainable_beta)
        self.supports_masking = True

    def build(self, input_shape):
        self.beta = self.add_weight(name="beta", shape=(),
                                    initializer=initializers.Constant(self.initial_beta),
                                    trainable=self.trainable_beta)
        super(Swish, self).build(input_shape)

    def call(self, inputs):
        return inputs * K.sigmoid(self.beta * inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"beta": self.initial_beta, "trainable_beta": self.trainable_beta}
        base_config = super(Swish, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))
