namespace NetDsl.Tests.Quantization;

// Networks declared with [Network(Int8 = true)]: every layer has an int8 form, and the generator adds a nested Quantized class.

// Three Linear layers, ReLUs fused into the two before them, a dropout that vanishes at inference.
[Network(Int8 = true)]
[Input(13)]
[Linear(24, Name = "fc1"), ReLU]
[Dropout(0.2)]
[Linear(17, Name = "fc2"), ReLU]
[Linear(5, Name = "fc3")]
public partial class Int8Mlp;

// Shapes and layers that change nothing in int8 (Flatten, Identity), a ReLU that stands alone (a dropout between it and
// the Linear), a Linear without bias, and a Softmax tail applied in float.
[Network(Int8 = true)]
[Input(2, 3, 4)]
[Flatten]
[Linear(9, Name = "fc1", Bias = false)]
[Dropout(0.1)]
[ReLU]
[Identity]
[Linear(4, Name = "fc2")]
[Softmax]
public partial class Int8Shapes;

// The network ends on a ReLU fused into the last Linear: its float outputs are clamped at 0.
[Network(Int8 = true)]
[Input(6)]
[Linear(8, Name = "fc1")]
[Linear(3, Name = "fc2"), ReLU]
public partial class Int8ReluHead;

// Convolutions: padding, a batch normalization folded into the first, a pool, a strided second convolution with ReLU,
// then a Linear on the flattened maps.
[Network(Int8 = true)]
[Input(2, 8, 8)]
[Conv2D(5, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2)]
[Conv2D(4, Kernel = 2, Stride = 2, Name = "conv2"), ReLU]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8Cnn;

// Activations without an integer form, each run in float between a dequantize and a quantize step.
[Network(Int8 = true)]
[Input(7)]
[Linear(12, Name = "fc1"), GELU]
[Linear(10, Name = "fc2"), Tanh]
[Linear(8, Name = "fc3"), Sigmoid]
[Linear(6, Name = "fc4"), LeakyReLU(0.1)]
[Linear(3, Name = "fc5")]
public partial class Int8Activations;

// Average pools, in float between a dequantize and a quantize step, in a CNN ending on GlobalAvgPool.
[Network(Int8 = true)]
[Input(2, 8, 8)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[AvgPool2D(2, Padding = 1, CountIncludePad = false)]
[Conv2D(6, Kernel = 3, Padding = 1, Name = "conv2"), Tanh]
[GlobalAvgPool]
[Linear(3, Name = "fc")]
public partial class Int8Pools;

// One-dimensional convolutions: padding, a folded BatchNorm1D, a pool, a dilated second convolution.
[Network(Int8 = true)]
[Input(3, 20)]
[Conv1D(6, Kernel = 5, Padding = 2, Name = "conv1")]
[BatchNorm1D(Name = "bn1"), ReLU]
[MaxPool1D(2)]
[Conv1D(4, Kernel = 3, Dilation = 2, Name = "conv2"), ReLU]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8Signal;

// Layers with float parameters, each run in float between a dequantize and a quantize step: a LayerNorm, a single-slope
// PReLU, a BatchNorm1D on feature vectors (not after a convolution, so not folded) and a PReLU with one slope per feature.
[Network(Int8 = true)]
[Input(11)]
[Linear(14, Name = "fc1")]
[LayerNorm(Name = "norm")]
[PReLU(Name = "prelu1")]
[Linear(9, Name = "fc2")]
[BatchNorm1D(Name = "bn")]
[PReLU(9, Name = "prelu2")]
[Linear(4, Name = "fc3")]
public partial class Int8NormMlp;

// A CNN with a standalone BatchNorm2D after a pool (the one after conv1 is folded in), a per-channel PReLU on the maps, and
// a LayerNorm without affine parameters on the flattened features.
[Network(Int8 = true)]
[Input(3, 10, 10)]
[Conv2D(5, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2)]
[BatchNorm2D(Name = "bn2")]
[PReLU(5, Name = "prelu")]
[Conv2D(4, Kernel = 3, Name = "conv2"), ReLU]
[Flatten]
[LayerNorm(Name = "norm", ElementwiseAffine = false)]
[Linear(3, Name = "fc")]
public partial class Int8NormCnn;

// A standalone BatchNorm1D on [channels, length] as the first layer, then a LayerNorm over a whole [4, 11] map.
[Network(Int8 = true)]
[Input(3, 13)]
[BatchNorm1D(Name = "bn")]
[Conv1D(4, Kernel = 3, Name = "conv"), ReLU]
[LayerNorm(Name = "norm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8NormSignal;

// A LayerNorm per step of a sequence [T, E] (nn.LayerNorm(E)).
[Network(Int8 = true)]
[Input(6, 5, Sequence = true)]
[LayerNorm(Name = "norm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8NormSequence;

// A residual CNN: a convolution, a block of two convolutions (the second without ReLU) whose sum with the block's input
// takes the ReLU after EndResidual, then a pool and a Linear on the flattened maps.
[Network(Int8 = true)]
[Input(2, 6, 6)]
[Conv2D(6, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[Residual(Name = "block")]
[Conv2D(6, Kernel = 3, Padding = 1, Name = "conv2")]
[BatchNorm2D(Name = "bn2"), ReLU]
[Conv2D(6, Kernel = 3, Padding = 1, Name = "conv3")]
[EndResidual(Name = "add"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(4, Name = "fc")]
public partial class Int8ResidualCnn;

// A residual MLP whose second block ends on the network's last Linear (which is then requantized, not the float output),
// and no ReLU after either add.
[Network(Int8 = true)]
[Input(9)]
[Linear(11, Name = "fc1"), ReLU]
[Residual(Name = "block1")]
[Linear(11, Name = "fc2"), ReLU]
[Linear(11, Name = "fc3")]
[EndResidual(Name = "add1")]
[Residual(Name = "block2")]
[Linear(11, Name = "fc4")]
[EndResidual(Name = "add2")]
public partial class Int8ResidualMlp;

// Nested blocks: the inner add (with its ReLU) ends inside the outer block, the outer add closes on the inner one's sum.
[Network(Int8 = true)]
[Input(7)]
[Linear(10, Name = "fc1"), ReLU]
[Residual(Name = "outer")]
[Linear(10, Name = "fc2"), ReLU]
[Residual(Name = "inner")]
[Linear(10, Name = "fc3"), Tanh]
[Linear(10, Name = "fc4")]
[EndResidual(Name = "innerAdd"), ReLU]
[Linear(10, Name = "fc5")]
[EndResidual(Name = "outerAdd"), ReLU]
[Linear(3, Name = "fc6")]
public partial class Int8NestedResidual;
