using NetDsl;

namespace NetDsl.Onnx.Tests;

// The networks the differential tests export and run in ONNX Runtime. Together they use every layer kind and the
// variants that change the exported graph: Linear and convolutions without bias, per-axis convolution options,
// 'same' padding with an even kernel (asymmetric pads), padded max and average pooling with and without
// count_include_pad, BatchNorm1D on [C] and [C, L], non-affine BatchNorm and LayerNorm, LayerNorm over a
// multi-dimensional sample, both GELU forms, nested residual blocks, Reshape with -1. Each is declared twice: with
// the default unroll limit and with UnrollLimit = 0 (every layer on the runtime's kernels).

// An MLP: Linear with and without bias, the fused activations.
[Network]
[Input(6)]
[Linear(8, Name = "fc1"), ReLU]
[Linear(7, Bias = false, Name = "fc2"), Sigmoid]
[Linear(5, Name = "fc3"), Tanh]
[Linear(3, Name = "head")]
public partial class MlpNet;

[Network(UnrollLimit = 0)]
[Input(6)]
[Linear(8, Name = "fc1"), ReLU]
[Linear(7, Bias = false, Name = "fc2"), Sigmoid]
[Linear(5, Name = "fc3"), Tanh]
[Linear(3, Name = "head")]
public partial class MlpNetKernels;

// A 2-D CNN: convolutions (square, per-axis, strided, dilated, without bias), BatchNorm2D (affine and not),
// max and average pooling with padding, Dropout on a feature map, Flatten.
[Network]
[Input(3, 10, 9)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(5, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 1, PaddingHeight = 1, PaddingWidth = 0, DilationWidth = 2, Bias = false, Name = "conv2")]
[BatchNorm2D(Affine = false, Eps = 1e-3, Name = "bn2")]
[MaxPool2D(3, Stride = 1, Padding = 1, Name = "pool2")]
[AvgPool2D(3, Stride = 1, Padding = 1, Name = "avg1")]
[Dropout(0.25, Name = "drop")]
[AvgPool2D(2, Stride = 1, Padding = 1, CountIncludePad = false, Name = "avg2")]
[Flatten]
[Linear(4, Name = "head")]
public partial class CnnNet;

[Network(UnrollLimit = 0)]
[Input(3, 10, 9)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2, Name = "pool1")]
[Conv2D(5, KernelHeight = 3, KernelWidth = 2, StrideHeight = 2, StrideWidth = 1, PaddingHeight = 1, PaddingWidth = 0, DilationWidth = 2, Bias = false, Name = "conv2")]
[BatchNorm2D(Affine = false, Eps = 1e-3, Name = "bn2")]
[MaxPool2D(3, Stride = 1, Padding = 1, Name = "pool2")]
[AvgPool2D(3, Stride = 1, Padding = 1, Name = "avg1")]
[Dropout(0.25, Name = "drop")]
[AvgPool2D(2, Stride = 1, Padding = 1, CountIncludePad = false, Name = "avg2")]
[Flatten]
[Linear(4, Name = "head")]
public partial class CnnNetKernels;

// A 1-D CNN: dilated and padded Conv1D, 'same' padding with an even kernel, BatchNorm1D on [C, L], ELU, padded
// MaxPool1D, AvgPool1D with and without count_include_pad, a strided Conv1D without bias, GlobalAvgPool, Softmax.
[Network]
[Input(2, 16)]
[Conv1D(4, Kernel = 3, Padding = 2, Dilation = 2, Name = "conv1")]
[BatchNorm1D(Name = "bn1"), ELU(0.7)]
[MaxPool1D(3, Stride = 2, Padding = 1, Name = "pool1")]
[Conv1D(3, Kernel = 4, Padding = ConvPadding.Same, Name = "conv2")]
[AvgPool1D(2, Name = "avg1")]
[AvgPool1D(3, Stride = 1, Padding = 1, CountIncludePad = false, Name = "avg2")]
[Conv1D(5, Kernel = 2, Stride = 2, Bias = false, Name = "conv3")]
[GlobalAvgPool(Name = "gap")]
[Linear(3, Name = "head")]
[Softmax]
public partial class Conv1DNet;

[Network(UnrollLimit = 0)]
[Input(2, 16)]
[Conv1D(4, Kernel = 3, Padding = 2, Dilation = 2, Name = "conv1")]
[BatchNorm1D(Name = "bn1"), ELU(0.7)]
[MaxPool1D(3, Stride = 2, Padding = 1, Name = "pool1")]
[Conv1D(3, Kernel = 4, Padding = ConvPadding.Same, Name = "conv2")]
[AvgPool1D(2, Name = "avg1")]
[AvgPool1D(3, Stride = 1, Padding = 1, CountIncludePad = false, Name = "avg2")]
[Conv1D(5, Kernel = 2, Stride = 2, Bias = false, Name = "conv3")]
[GlobalAvgPool(Name = "gap")]
[Linear(3, Name = "head")]
[Softmax]
public partial class Conv1DNetKernels;

// A residual MLP: Reshape with -1, LayerNorm over a [3, 4] sample, nested residual blocks, both GELU forms, SiLU,
// LeakyReLU, Dropout, Identity, BatchNorm1D on [C], a non-affine LayerNorm, LogSoftmax; unnamed layers too.
[Network]
[Input(12)]
[Reshape(-1, 4), LayerNorm(Name = "ln0")]
[Flatten]
[Linear(16, Name = "fc0")]
[Residual]
[LayerNorm(Name = "ln1")]
[Linear(16, Name = "fc1"), GELU]
[Dropout(0.2)]
[Linear(16, Name = "fc2"), SiLU]
[EndResidual]
[Residual]
[Linear(16, Name = "fc3"), GELU(TanhApproximation = true)]
[Residual]
[Linear(16, Name = "fc4"), LeakyReLU(0.1)]
[EndResidual]
[Identity]
[EndResidual]
[BatchNorm1D(Name = "bn")]
[LayerNorm(ElementwiseAffine = false, Eps = 1e-4, Name = "ln2")]
[Linear(5, Name = "head"), LogSoftmax]
public partial class ResidualNet;

[Network(UnrollLimit = 0)]
[Input(12)]
[Reshape(-1, 4), LayerNorm(Name = "ln0")]
[Flatten]
[Linear(16, Name = "fc0")]
[Residual]
[LayerNorm(Name = "ln1")]
[Linear(16, Name = "fc1"), GELU]
[Dropout(0.2)]
[Linear(16, Name = "fc2"), SiLU]
[EndResidual]
[Residual]
[Linear(16, Name = "fc3"), GELU(TanhApproximation = true)]
[Residual]
[Linear(16, Name = "fc4"), LeakyReLU(0.1)]
[EndResidual]
[Identity]
[EndResidual]
[BatchNorm1D(Name = "bn")]
[LayerNorm(ElementwiseAffine = false, Eps = 1e-4, Name = "ln2")]
[Linear(5, Name = "head"), LogSoftmax]
public partial class ResidualNetKernels;

// A flat input reshaped into an image: Reshape to three dimensions, 'same' padding with an even kernel in 2-D,
// LayerNorm over [C, H, W], SiLU and GELU on feature maps, a non-affine BatchNorm1D on [C], Sigmoid at the end.
[Network]
[Input(48)]
[Reshape(3, -1, 4, Name = "image")]
[Conv2D(6, Kernel = 2, Padding = ConvPadding.Same, Name = "conv")]
[LayerNorm(Name = "ln"), SiLU]
[MaxPool2D(3, Stride = 1, Padding = 1, Name = "pool")]
[AvgPool2D(3, Stride = 2, Padding = 1, CountIncludePad = false, Name = "avg"), GELU]
[GlobalAvgPool(Name = "gap")]
[BatchNorm1D(Affine = false, Name = "bn")]
[Linear(2, Name = "head"), Sigmoid]
public partial class ImageNet;

[Network(UnrollLimit = 0)]
[Input(48)]
[Reshape(3, -1, 4, Name = "image")]
[Conv2D(6, Kernel = 2, Padding = ConvPadding.Same, Name = "conv")]
[LayerNorm(Name = "ln"), SiLU]
[MaxPool2D(3, Stride = 1, Padding = 1, Name = "pool")]
[AvgPool2D(3, Stride = 2, Padding = 1, CountIncludePad = false, Name = "avg"), GELU]
[GlobalAvgPool(Name = "gap")]
[BatchNorm1D(Affine = false, Name = "bn")]
[Linear(2, Name = "head"), Sigmoid]
public partial class ImageNetKernels;

// Single activations over a wide input range (the differential test feeds them inputs in [-6, 6]): GELU's tails,
// where 1 + erf(x/√2) cancels, and the tanh form's cubic term.
[Network]
[Input(64)]
[GELU]
public partial class GeluNet;

[Network(UnrollLimit = 0)]
[Input(64)]
[GELU]
public partial class GeluNetKernels;

[Network]
[Input(64)]
[GELU(TanhApproximation = true)]
public partial class GeluTanhNet;

[Network(UnrollLimit = 0)]
[Input(64)]
[GELU(TanhApproximation = true)]
public partial class GeluTanhNetKernels;

// The activations added through the layer catalog, in one network: PReLU with one slope per channel of a [C, H, W]
// sample (the slope reshaped to [C, 1, 1]) and with one shared slope, Softplus with beta 2 (Mul, Softplus, Div) and 1,
// Mish (Softplus, Tanh, Mul), Hardswish.
[Network]
[Input(2, 5, 5)]
[Conv2D(4, Kernel = 3, Name = "conv")]
[PReLU(4, Name = "prelu1")]
[Flatten]
[Softplus(Beta = 2)]
[Linear(12, Name = "fc1"), Mish]
[Linear(10, Name = "fc2"), Hardswish]
[Linear(6, Name = "fc3"), PReLU(Name = "prelu2")]
[Linear(4, Name = "fc4"), Softplus]
public partial class ActivationsNet;

[Network(UnrollLimit = 0)]
[Input(2, 5, 5)]
[Conv2D(4, Kernel = 3, Name = "conv")]
[PReLU(4, Name = "prelu1")]
[Flatten]
[Softplus(Beta = 2)]
[Linear(12, Name = "fc1"), Mish]
[Linear(10, Name = "fc2"), Hardswish]
[Linear(6, Name = "fc3"), PReLU(Name = "prelu2")]
[Linear(4, Name = "fc4"), Softplus]
public partial class ActivationsNetKernels;

// Recurrent layers: ONNX's LSTM/GRU/RNN operators with the gate blocks reordered (LSTM i,f,g,o -> i,o,f,c; GRU r,z,n ->
// z,r,h with linear_before_reset), both directions in one node, two stacked layers, and the final states read from Y.
[Network]
[Input(6, 3)]
[LSTM(5, Layers = 2, Bidirectional = true, Name = "lstm")]
[Linear(6, Name = "proj"), Tanh]
[GRU(4, ReturnSequences = false, Name = "gru")]
[Linear(3, Name = "fc")]
public partial class RecurrentNet;

[Network]
[Input(5, 2)]
[RNN(4, Nonlinearity = RnnNonlinearity.ReLU, Bias = false, Name = "rnn1")]
[RNN(3, Bidirectional = true, Name = "rnn2")]
[GRU(2, Bidirectional = true, Bias = false, ReturnSequences = false, Name = "gru")]
public partial class RecurrentVariantsNet;

// Token indices through an embedding with a padding row (Cast to int64, Gather) into an LSTM.
[Network]
[Input(5)]
[Embedding(9, 3, PaddingIndex = 0, Name = "emb")]
[LSTM(4, ReturnSequences = false, Name = "lstm")]
public partial class TokenNet;

// Reductions over the steps of a sequence: ReduceMax after a per-step MatMul, ReduceMean, and a Gather of the last step.
[Network]
[Input(6, 3)]
[GRU(4, Name = "gru")]
[Linear(5, Name = "proj")]
[MaxOverTime]
[Linear(2, Name = "fc")]
public partial class SequenceMaxNet;

[Network]
[Input(5, 2)]
[LSTM(3, Name = "lstm")]
[MeanOverTime]
public partial class SequenceMeanNet;

[Network]
[Input(4, 2)]
[RNN(3, Bidirectional = true, Name = "rnn")]
[LastStep]
public partial class SequenceLastNet;

// Positions: the sinusoid table as a constant initializer, and a learned table, each added to every sample.
[Network]
[Input(5)]
[Embedding(12, 4, Name = "emb")]
[PositionalEncoding]
[PositionalEncoding(Learned = true, Name = "pos")]
[GRU(3, ReturnSequences = false, Name = "gru")]
public partial class PositionNet;

// Self-attention as MatMul/Softmax: two heads inside a residual block, and a causal layer of four one-feature heads.
[Network]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[PositionalEncoding]
[MultiheadAttention(4, Causal = true, Name = "causal")]
[MeanOverTime]
public partial class AttentionNet;

// A one-block Transformer encoder: attention and a feed-forward block, each added back and followed by a per-step
// LayerNormalization (axis -1), one without affine parameters.
[Network]
[Input(5, 2)]
[GRU(4, Name = "gru")]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm1")]
[Residual]
[Linear(8, Name = "ff1"), ReLU]
[Linear(4, Name = "ff2")]
[EndResidual]
[LayerNorm(ElementwiseAffine = false, Name = "norm2")]
[LastStep]
public partial class TransformerNet;

// A Transformer block on the raw input declared as a sequence: the per-step Linear exports as MatMul over the last axis
// of [N, T, F], the LayerNorm as LayerNormalization over axis -1.
[Network]
[Input(5, 3, Sequence = true)]
[Linear(4, Name = "embed")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm")]
[MaxOverTime]
[Linear(2, Name = "fc")]
public partial class SequenceInputNet;

// Int8 networks (issue 15): exported in QDQ form and run in ONNX Runtime against NetDsl's integer kernels.
[Network(Int8 = true)]
[Input(20)]
[Linear(32, Name = "fc1"), ReLU]
[Dropout(0.3)]
[Linear(16, Name = "fc2"), ReLU]
[Linear(6, Name = "fc3")]
public partial class Int8MlpNet;

[Network(Int8 = true)]
[Input(2, 3, 5)]
[Flatten]
[Linear(12, Name = "fc1", Bias = false)]
[Dropout(0.1)]
[ReLU]
[Linear(4, Name = "fc2")]
[LogSoftmax]
public partial class Int8ShapesNet;

[Network(Int8 = true)]
[Input(1, 8, 8)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2)]
[Conv2D(6, Kernel = 3, Name = "conv2"), ReLU]
[Flatten]
[Linear(5, Name = "fc")]
public partial class Int8CnnNet;

[Network(Int8 = true)]
[Input(6)]
[Linear(10, Name = "fc1"), GELU]
[Linear(8, Name = "fc2"), Sigmoid]
[Linear(8, Name = "fc3"), Mish]
[Linear(3, Name = "fc4")]
public partial class Int8ActivationsNet;

[Network(Int8 = true)]
[Input(2, 8, 8)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[AvgPool2D(2)]
[Conv2D(6, Kernel = 3, Padding = 1, Name = "conv2"), SiLU]
[GlobalAvgPool]
[Linear(3, Name = "fc")]
public partial class Int8PoolsNet;

[Network(Int8 = true)]
[Input(3, 20)]
[Conv1D(6, Kernel = 5, Padding = 2, Name = "conv1")]
[BatchNorm1D(Name = "bn1"), ReLU]
[MaxPool1D(2)]
[Conv1D(4, Kernel = 3, Dilation = 2, Name = "conv2"), ReLU]
[AvgPool1D(2)]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8SignalNet;

// Layers with float parameters between dequantize and quantize steps: LayerNorm, PReLU (one slope, one per feature or
// channel), a standalone BatchNorm1D on features and a BatchNorm2D after a pool; a LayerNorm after Flatten (a Reshape in
// the graph), and one per step of a sequence.
[Network(Int8 = true)]
[Input(10)]
[Linear(12, Name = "fc1")]
[LayerNorm(Name = "norm")]
[PReLU(Name = "prelu1")]
[Linear(9, Name = "fc2")]
[BatchNorm1D(Name = "bn")]
[PReLU(9, Name = "prelu2")]
[Linear(3, Name = "fc3")]
public partial class Int8NormMlpNet;

[Network(Int8 = true)]
[Input(2, 8, 8)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[MaxPool2D(2)]
[BatchNorm2D(Name = "bn")]
[PReLU(4, Name = "prelu")]
[Flatten]
[LayerNorm(Name = "norm")]
[Linear(3, Name = "fc")]
public partial class Int8NormCnnNet;

[Network(Int8 = true)]
[Input(4, 5, Sequence = true)]
[LayerNorm(Name = "norm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8NormSequenceNet;

[Network(Int8 = true)]
[Input(2, 6, 6)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv1"), ReLU]
[Residual(Name = "block")]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv2"), ReLU]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv3")]
[EndResidual(Name = "add"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(3, Name = "fc")]
public partial class Int8ResidualCnnNet;

[Network(Int8 = true)]
[Input(6)]
[Linear(8, Name = "fc1"), ReLU]
[Residual(Name = "outer")]
[Linear(8, Name = "fc2"), ReLU]
[Residual(Name = "inner")]
[Linear(8, Name = "fc3")]
[EndResidual(Name = "innerAdd")]
[EndResidual(Name = "outerAdd"), ReLU]
[Linear(3, Name = "fc4")]
public partial class Int8ResidualMlpNet;
