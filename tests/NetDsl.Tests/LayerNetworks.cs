using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Tests.Reference;
using Xunit;
using R = NetDsl.Tests.Reference.ReferenceLayers;

namespace NetDsl.Tests;

// The networks of the layer-catalog tests. Each architecture is declared three times, as in Networks.cs: the default
// unroll limit (the generator's per-stage choice, usually a mix), UnrollLimit = 0 (every stage on the kernels) and a huge
// UnrollLimit (every stage that can be unrolled is). Sizes are odd where they can be, so that the kernels' vector
// remainders and the windows' edges (padding, strides that skip the last column, dilations) are exercised.

// The CNN of the brief, as written: its first convolution and its average pool floor their output sizes
// ((9 + 2*1 - 2) / 2 + 1 = 5.5 columns, (1 + 2*1 - 2) / 2 + 1 = 1.5 rows), as PyTorch does; NDSL0021 warns about it.
// [2,7,9] -conv1-> [3,4,5] -maxpool-> [3,3,4] -conv2-> [4,1,2] -avgpool-> [4,1,2] -> [8] -> [5] -> [3]
#pragma warning disable NDSL0021 // deliberate: the flooring is under test
[Network]
[Input(2, 7, 9)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, Stride = 2, Padding = 1, Name = "conv1"), Tanh]
[MaxPool2D(2, Stride = 1)]
[Conv2D(4, Kernel = 2, Dilation = 2, Bias = false, Name = "conv2"), Sigmoid]
[AvgPool2D(2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Linear(5, Name = "fc1"), GELU]
[Linear(3, Name = "fc2")]
public partial class CnnNet;

[Network(UnrollLimit = 0)]
[Input(2, 7, 9)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, Stride = 2, Padding = 1, Name = "conv1"), Tanh]
[MaxPool2D(2, Stride = 1)]
[Conv2D(4, Kernel = 2, Dilation = 2, Bias = false, Name = "conv2"), Sigmoid]
[AvgPool2D(2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Linear(5, Name = "fc1"), GELU]
[Linear(3, Name = "fc2")]
public partial class CnnNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 7, 9)]
[Conv2D(3, KernelHeight = 3, KernelWidth = 2, Stride = 2, Padding = 1, Name = "conv1"), Tanh]
[MaxPool2D(2, Stride = 1)]
[Conv2D(4, Kernel = 2, Dilation = 2, Bias = false, Name = "conv2"), Sigmoid]
[AvgPool2D(2, Padding = 1, CountIncludePad = false)]
[Flatten]
[Linear(5, Name = "fc1"), GELU]
[Linear(3, Name = "fc2")]
public partial class CnnNetUnrolled;
#pragma warning restore NDSL0021

// A CNN whose windows tile evenly, with wide stride-1 rows (13 columns: one 8-float vector and an overlapping
// remainder), per-axis kernel, padding and dilation, 'same' padding, ELU, average pooling counting its padding, a fused
// Identity, max pooling with padding, ReLU after a pool, global average pooling.
// [2,8,13] -conv1-> [3,9,13] -avgpool-> [3,5,7] -conv2-> [4,5,7] -maxpool-> [4,3,4] -gap-> [4] -> [2]
[Network]
[Input(2, 8, 13)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, PaddingHeight = 1, PaddingWidth = 2, DilationWidth = 2, Name = "conv1")]
[ELU]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Conv2D(4, Kernel = 3, Padding = ConvPadding.Same, Name = "conv2"), Identity]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Linear(2, Name = "fc")]
public partial class WideCnnNet;

[Network(UnrollLimit = 0)]
[Input(2, 8, 13)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, PaddingHeight = 1, PaddingWidth = 2, DilationWidth = 2, Name = "conv1")]
[ELU]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Conv2D(4, Kernel = 3, Padding = ConvPadding.Same, Name = "conv2"), Identity]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Linear(2, Name = "fc")]
public partial class WideCnnNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 8, 13)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, PaddingHeight = 1, PaddingWidth = 2, DilationWidth = 2, Name = "conv1")]
[ELU]
[AvgPool2D(3, Stride = 2, Padding = 1)]
[Conv2D(4, Kernel = 3, Padding = ConvPadding.Same, Name = "conv2"), Identity]
[MaxPool2D(3, Stride = 2, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Linear(2, Name = "fc")]
public partial class WideCnnNetUnrolled;

// One-dimensional: 'same' padding with dilation (symmetric) and with an even kernel (the odd element after), a per-row
// length of 37, LeakyReLU and ELU as stages of their own, average pooling counting its padding, a strided convolution
// without bias, max pooling with padding, global average pooling.
// [3,37] -conv1-> [5,37] -conv2-> [4,37] -avgpool-> [4,19] -conv3-> [6,9] -maxpool-> [6,5] -gap-> [6] -> [4]
[Network]
[Input(3, 37)]
[Conv1D(5, Kernel = 3, Padding = ConvPadding.Same, Dilation = 2, Name = "conv1")]
[LeakyReLU(0.1)]
[Conv1D(4, Kernel = 4, Padding = ConvPadding.Same, Name = "conv2")]
[ELU(0.5)]
[AvgPool1D(3, Stride = 2, Padding = 1)]
[Conv1D(6, Kernel = 3, Stride = 2, Bias = false, Name = "conv3"), Tanh]
[MaxPool1D(3, Stride = 2, Padding = 1)]
[GlobalAvgPool]
[Linear(4, Name = "fc")]
public partial class SequenceNet;

[Network(UnrollLimit = 0)]
[Input(3, 37)]
[Conv1D(5, Kernel = 3, Padding = ConvPadding.Same, Dilation = 2, Name = "conv1")]
[LeakyReLU(0.1)]
[Conv1D(4, Kernel = 4, Padding = ConvPadding.Same, Name = "conv2")]
[ELU(0.5)]
[AvgPool1D(3, Stride = 2, Padding = 1)]
[Conv1D(6, Kernel = 3, Stride = 2, Bias = false, Name = "conv3"), Tanh]
[MaxPool1D(3, Stride = 2, Padding = 1)]
[GlobalAvgPool]
[Linear(4, Name = "fc")]
public partial class SequenceNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(3, 37)]
[Conv1D(5, Kernel = 3, Padding = ConvPadding.Same, Dilation = 2, Name = "conv1")]
[LeakyReLU(0.1)]
[Conv1D(4, Kernel = 4, Padding = ConvPadding.Same, Name = "conv2")]
[ELU(0.5)]
[AvgPool1D(3, Stride = 2, Padding = 1)]
[Conv1D(6, Kernel = 3, Stride = 2, Bias = false, Name = "conv3"), Tanh]
[MaxPool1D(3, Stride = 2, Padding = 1)]
[GlobalAvgPool]
[Linear(4, Name = "fc")]
public partial class SequenceNetUnrolled;

// A residual MLP, smooth throughout: a block on the network's input, two blocks opening at the same point (nested),
// a block inside a block, LayerNorm, SiLU, both GELUs, LogSoftmax.
[Network]
[Input(13)]
[Residual]
[Linear(13, Name = "fc1"), Tanh]
[EndResidual]
[Linear(11, Name = "fc2")]
[Residual]
[Residual]
[LayerNorm(Name = "ln")]
[Linear(11, Name = "fc3")]
[SiLU]
[EndResidual]
[Linear(11, Bias = false, Name = "fc4"), Sigmoid]
[Residual]
[GELU]
[EndResidual]
[EndResidual]
[GELU(TanhApproximation = true)]
[Linear(5, Name = "out")]
[LogSoftmax]
public partial class ResidualNet;

[Network(UnrollLimit = 0)]
[Input(13)]
[Residual]
[Linear(13, Name = "fc1"), Tanh]
[EndResidual]
[Linear(11, Name = "fc2")]
[Residual]
[Residual]
[LayerNorm(Name = "ln")]
[Linear(11, Name = "fc3")]
[SiLU]
[EndResidual]
[Linear(11, Bias = false, Name = "fc4"), Sigmoid]
[Residual]
[GELU]
[EndResidual]
[EndResidual]
[GELU(TanhApproximation = true)]
[Linear(5, Name = "out")]
[LogSoftmax]
public partial class ResidualNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(13)]
[Residual]
[Linear(13, Name = "fc1"), Tanh]
[EndResidual]
[Linear(11, Name = "fc2")]
[Residual]
[Residual]
[LayerNorm(Name = "ln")]
[Linear(11, Name = "fc3")]
[SiLU]
[EndResidual]
[Linear(11, Bias = false, Name = "fc4"), Sigmoid]
[Residual]
[GELU]
[EndResidual]
[EndResidual]
[GELU(TanhApproximation = true)]
[Linear(5, Name = "out")]
[LogSoftmax]
public partial class ResidualNetUnrolled;

// A classifier head: a standalone Identity, LeakyReLU with its default slope, a fused Identity, ELU with its default
// alpha, LayerNorm without affine parameters and with another eps, Softmax.
[Network]
[Input(9)]
[Identity]
[Linear(7, Name = "fc1")]
[LeakyReLU]
[Linear(6, Name = "fc2"), Identity]
[ELU]
[LayerNorm(ElementwiseAffine = false, Eps = 1e-3)]
[Linear(5, Name = "fc3")]
[Softmax]
public partial class HeadNet;

[Network(UnrollLimit = 0)]
[Input(9)]
[Identity]
[Linear(7, Name = "fc1")]
[LeakyReLU]
[Linear(6, Name = "fc2"), Identity]
[ELU]
[LayerNorm(ElementwiseAffine = false, Eps = 1e-3)]
[Linear(5, Name = "fc3")]
[Softmax]
public partial class HeadNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(9)]
[Identity]
[Linear(7, Name = "fc1")]
[LeakyReLU]
[Linear(6, Name = "fc2"), Identity]
[ELU]
[LayerNorm(ElementwiseAffine = false, Eps = 1e-3)]
[Linear(5, Name = "fc3")]
[Softmax]
public partial class HeadNetUnrolled;

// Batch normalization on [C, H, W] and on [C], and dropout before the last Linear (whose weight gradient reveals the mask).
// [3,5,6] -conv-> [4,5,6] -bn2d, relu-> -> [120] -> [10] -bn, tanh, dropout-> [10] -> [3]
[Network]
[Input(3, 5, 6)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv")]
[BatchNorm2D(Name = "bn2d")]
[ReLU]
[Flatten]
[Linear(10, Name = "fc1")]
[BatchNorm1D(Momentum = 0.3, Name = "bn")]
[Tanh]
[Dropout(0.4)]
[Linear(3, Name = "fc2")]
public partial class BatchNormNet;

[Network(UnrollLimit = 0)]
[Input(3, 5, 6)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv")]
[BatchNorm2D(Name = "bn2d")]
[ReLU]
[Flatten]
[Linear(10, Name = "fc1")]
[BatchNorm1D(Momentum = 0.3, Name = "bn")]
[Tanh]
[Dropout(0.4)]
[Linear(3, Name = "fc2")]
public partial class BatchNormNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(3, 5, 6)]
[Conv2D(4, Kernel = 3, Padding = 1, Name = "conv")]
[BatchNorm2D(Name = "bn2d")]
[ReLU]
[Flatten]
[Linear(10, Name = "fc1")]
[BatchNorm1D(Momentum = 0.3, Name = "bn")]
[Tanh]
[Dropout(0.4)]
[Linear(3, Name = "fc2")]
public partial class BatchNormNetUnrolled;

// Batch normalization on [C, L] (batch 1 is valid: 7 values per channel) with other eps and momentum, and on [C, H, W]
// without affine parameters; smooth, so finite differences apply in training mode.
// [4,9] -conv-> [5,7] -bn, silu, reshape-> [5,7,1] -bn2-> -> [35] -> [3]
[Network]
[Input(4, 9)]
[Conv1D(5, Kernel = 3, Name = "conv")]
[BatchNorm1D(Eps = 1e-3, Momentum = 0.25, Name = "bn")]
[SiLU]
[Reshape(5, 7, 1)]
[BatchNorm2D(Affine = false, Name = "bn2")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class BatchNormSequenceNet;

[Network(UnrollLimit = 0)]
[Input(4, 9)]
[Conv1D(5, Kernel = 3, Name = "conv")]
[BatchNorm1D(Eps = 1e-3, Momentum = 0.25, Name = "bn")]
[SiLU]
[Reshape(5, 7, 1)]
[BatchNorm2D(Affine = false, Name = "bn2")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class BatchNormSequenceNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(4, 9)]
[Conv1D(5, Kernel = 3, Name = "conv")]
[BatchNorm1D(Eps = 1e-3, Momentum = 0.25, Name = "bn")]
[SiLU]
[Reshape(5, 7, 1)]
[BatchNorm2D(Affine = false, Name = "bn2")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class BatchNormSequenceNetUnrolled;

// Reshape with an inferred dimension, from features to an image and from an image to a sequence; 'same' padding with an
// even kernel on both axes (the odd padding element after); LayerNorm over a 2-D sample; a strided Conv1D. Smooth.
// [30] -> [36] -reshape-> [4,3,3] -conv-> [2,3,3] -silu, reshape-> [3,6] -ln-> -conv1d-> [2,3] -> [6] -> [2]
[Network]
[Input(30)]
[Linear(36, Name = "fc1"), Tanh]
[Reshape(4, -1, 3)]
[Conv2D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv")]
[SiLU]
[Reshape(-1, 6)]
[LayerNorm(Name = "ln")]
[Conv1D(2, Kernel = 2, Stride = 2, Name = "conv1d")]
[Flatten]
[Linear(2, Name = "fc2")]
public partial class ReshapeNet;

[Network(UnrollLimit = 0)]
[Input(30)]
[Linear(36, Name = "fc1"), Tanh]
[Reshape(4, -1, 3)]
[Conv2D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv")]
[SiLU]
[Reshape(-1, 6)]
[LayerNorm(Name = "ln")]
[Conv1D(2, Kernel = 2, Stride = 2, Name = "conv1d")]
[Flatten]
[Linear(2, Name = "fc2")]
public partial class ReshapeNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(30)]
[Linear(36, Name = "fc1"), Tanh]
[Reshape(4, -1, 3)]
[Conv2D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv")]
[SiLU]
[Reshape(-1, 6)]
[LayerNorm(Name = "ln")]
[Conv1D(2, Kernel = 2, Stride = 2, Name = "conv1d")]
[Flatten]
[Linear(2, Name = "fc2")]
public partial class ReshapeNetUnrolled;

// Two dropouts, each followed by a Linear layer: on the input and between hidden layers.
[Network]
[Input(20)]
[Dropout(0.2)]
[Linear(16, Name = "fc1"), Tanh]
[Dropout]
[Linear(4, Name = "fc2")]
public partial class DropoutNet;

[Network(UnrollLimit = 0)]
[Input(20)]
[Dropout(0.2)]
[Linear(16, Name = "fc1"), Tanh]
[Dropout]
[Linear(4, Name = "fc2")]
public partial class DropoutNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(20)]
[Dropout(0.2)]
[Linear(16, Name = "fc1"), Tanh]
[Dropout]
[Linear(4, Name = "fc2")]
public partial class DropoutNetUnrolled;

// The activations added through the layer catalog: PReLU (one slope per channel after a convolution, one shared after
// a Linear layer), Softplus (with and without a beta), Mish, Hardswish (kinks at -3 and 3).
[Network]
[Input(2, 6)]
[Conv1D(3, Kernel = 3, Padding = 1, Name = "conv")]
[PReLU(3, Init = 0.5, Name = "prelu1")]
[Flatten]
[Linear(8, Name = "fc1")]
[Softplus(Beta = 2)]
[Linear(6, Name = "fc2")]
[Mish]
[Linear(4, Name = "fc3")]
[PReLU(Name = "prelu2")]
[Linear(3, Name = "out")]
[Hardswish]
public partial class ActivationsNet;

[Network(UnrollLimit = 0)]
[Input(2, 6)]
[Conv1D(3, Kernel = 3, Padding = 1, Name = "conv")]
[PReLU(3, Init = 0.5, Name = "prelu1")]
[Flatten]
[Linear(8, Name = "fc1")]
[Softplus(Beta = 2)]
[Linear(6, Name = "fc2")]
[Mish]
[Linear(4, Name = "fc3")]
[PReLU(Name = "prelu2")]
[Linear(3, Name = "out")]
[Hardswish]
public partial class ActivationsNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 6)]
[Conv1D(3, Kernel = 3, Padding = 1, Name = "conv")]
[PReLU(3, Init = 0.5, Name = "prelu1")]
[Flatten]
[Linear(8, Name = "fc1")]
[Softplus(Beta = 2)]
[Linear(6, Name = "fc2")]
[Mish]
[Linear(4, Name = "fc3")]
[PReLU(Name = "prelu2")]
[Linear(3, Name = "out")]
[Hardswish]
public partial class ActivationsNetUnrolled;

// A large dropout layer alone: its output is the mask applied to the input, for the statistical tests.
[Network]
[Input(1000)]
[Dropout(0.3)]
public partial class WideDropoutNet;

[Network(UnrollLimit = 0)]
[Input(1000)]
[Dropout(0.3)]
public partial class WideDropoutNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(1000)]
[Dropout(0.3)]
public partial class WideDropoutNetUnrolled;

// A small ResNet: per-axis stride, dilation and padding (a per-axis value overriding the shared one), 'same' padding
// with dilation, a block of convolution, batch normalization and ReLU, a second block opening where the first closes,
// ReLU after a residual add, batch normalization without affine parameters on [C], dropout before the last Linear.
// [2,6,7] -stem-> [4,6,4] -block-> [4,6,4] -block, relu-> [4,6,4] -gap-> [4] -bn2, dropout-> [4] -> [3]
[Network]
[Input(2, 6, 7)]
[Conv2D(4, Kernel = 3, StrideHeight = 1, StrideWidth = 2, Padding = 1, Name = "stem"), Tanh]
[Residual]
[Conv2D(4, Kernel = 3, DilationHeight = 2, Padding = ConvPadding.Same, Bias = false, Name = "conv1")]
[BatchNorm2D(Name = "bn1")]
[ReLU]
[Conv2D(4, KernelHeight = 3, KernelWidth = 1, Padding = 1, PaddingWidth = 0, Name = "conv2")]
[EndResidual]
[Residual]
[LeakyReLU(0.2)]
[AvgPool2D(3, Stride = 1, Padding = 1)]
[EndResidual, ReLU]
[GlobalAvgPool]
[BatchNorm1D(Affine = false, Name = "bn2")]
[Dropout(0.25)]
[Linear(3, Name = "fc")]
public partial class ResNet;

[Network(UnrollLimit = 0)]
[Input(2, 6, 7)]
[Conv2D(4, Kernel = 3, StrideHeight = 1, StrideWidth = 2, Padding = 1, Name = "stem"), Tanh]
[Residual]
[Conv2D(4, Kernel = 3, DilationHeight = 2, Padding = ConvPadding.Same, Bias = false, Name = "conv1")]
[BatchNorm2D(Name = "bn1")]
[ReLU]
[Conv2D(4, KernelHeight = 3, KernelWidth = 1, Padding = 1, PaddingWidth = 0, Name = "conv2")]
[EndResidual]
[Residual]
[LeakyReLU(0.2)]
[AvgPool2D(3, Stride = 1, Padding = 1)]
[EndResidual, ReLU]
[GlobalAvgPool]
[BatchNorm1D(Affine = false, Name = "bn2")]
[Dropout(0.25)]
[Linear(3, Name = "fc")]
public partial class ResNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 6, 7)]
[Conv2D(4, Kernel = 3, StrideHeight = 1, StrideWidth = 2, Padding = 1, Name = "stem"), Tanh]
[Residual]
[Conv2D(4, Kernel = 3, DilationHeight = 2, Padding = ConvPadding.Same, Bias = false, Name = "conv1")]
[BatchNorm2D(Name = "bn1")]
[ReLU]
[Conv2D(4, KernelHeight = 3, KernelWidth = 1, Padding = 1, PaddingWidth = 0, Name = "conv2")]
[EndResidual]
[Residual]
[LeakyReLU(0.2)]
[AvgPool2D(3, Stride = 1, Padding = 1)]
[EndResidual, ReLU]
[GlobalAvgPool]
[BatchNorm1D(Affine = false, Name = "bn2")]
[Dropout(0.25)]
[Linear(3, Name = "fc")]
public partial class ResNetUnrolled;

// Residual blocks small enough to unroll at the default limit, so that the default and the unrolled variants keep every
// value in locals for single-sample inference (ForwardSample): a block on the input holding a nested block, a block
// opening where the previous one closes, a block across a Flatten with a dropout inside.
[Network]
[Input(2, 7)]
[Residual]
[Conv1D(2, Kernel = 3, Padding = 1, Name = "conv1"), Tanh]
[Residual]
[SiLU]
[EndResidual]
[EndResidual]
[Residual]
[Conv1D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv2")]
[EndResidual]
[Flatten]
[Residual]
[Dropout(0.3)]
[Linear(14, Name = "fc1"), Sigmoid]
[EndResidual]
[Linear(2, Name = "fc2")]
public partial class ResidualConvNet;

[Network(UnrollLimit = 0)]
[Input(2, 7)]
[Residual]
[Conv1D(2, Kernel = 3, Padding = 1, Name = "conv1"), Tanh]
[Residual]
[SiLU]
[EndResidual]
[EndResidual]
[Residual]
[Conv1D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv2")]
[EndResidual]
[Flatten]
[Residual]
[Dropout(0.3)]
[Linear(14, Name = "fc1"), Sigmoid]
[EndResidual]
[Linear(2, Name = "fc2")]
public partial class ResidualConvNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 7)]
[Residual]
[Conv1D(2, Kernel = 3, Padding = 1, Name = "conv1"), Tanh]
[Residual]
[SiLU]
[EndResidual]
[EndResidual]
[Residual]
[Conv1D(2, Kernel = 2, Padding = ConvPadding.Same, Name = "conv2")]
[EndResidual]
[Flatten]
[Residual]
[Dropout(0.3)]
[Linear(14, Name = "fc1"), Sigmoid]
[EndResidual]
[Linear(2, Name = "fc2")]
public partial class ResidualConvNetUnrolled;

// Window geometry the other networks do not reach, for the unrolled taps: strides with dilations on both axes and
// different per axis, 'same' padding of a dilated even kernel (3 = 1 before + 2 after), a strided dilated Conv1D.
// [2,10,12] -conv1-> [3,6,4] -conv2-> [2,6,4] -maxpool-> [2,3,2] -reshape-> [2,6] -conv3-> [2,2] -> [4] -> [3]
[Network]
[Input(2, 10, 12)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, StrideHeight = 2, StrideWidth = 3, DilationHeight = 3, DilationWidth = 2, PaddingHeight = 2, PaddingWidth = 1, Name = "conv1"), Sigmoid]
[Conv2D(2, Kernel = 2, Dilation = 3, Padding = ConvPadding.Same, Name = "conv2")]
[MaxPool2D(2)]
[Reshape(2, -1)]
[Conv1D(2, Kernel = 2, Stride = 3, Dilation = 2, Name = "conv3")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class OddConvNet;

[Network(UnrollLimit = 0)]
[Input(2, 10, 12)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, StrideHeight = 2, StrideWidth = 3, DilationHeight = 3, DilationWidth = 2, PaddingHeight = 2, PaddingWidth = 1, Name = "conv1"), Sigmoid]
[Conv2D(2, Kernel = 2, Dilation = 3, Padding = ConvPadding.Same, Name = "conv2")]
[MaxPool2D(2)]
[Reshape(2, -1)]
[Conv1D(2, Kernel = 2, Stride = 3, Dilation = 2, Name = "conv3")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class OddConvNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(2, 10, 12)]
[Conv2D(3, KernelHeight = 2, KernelWidth = 3, StrideHeight = 2, StrideWidth = 3, DilationHeight = 3, DilationWidth = 2, PaddingHeight = 2, PaddingWidth = 1, Name = "conv1"), Sigmoid]
[Conv2D(2, Kernel = 2, Dilation = 3, Padding = ConvPadding.Same, Name = "conv2")]
[MaxPool2D(2)]
[Reshape(2, -1)]
[Conv1D(2, Kernel = 2, Stride = 3, Dilation = 2, Name = "conv3")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class OddConvNetUnrolled;

// Softmax and LogSoftmax straight on the input, for logits far outside [-1, 1] (PyTorch's are stable: exp(x - max)).
[Network]
[Input(7)]
[Softmax]
public partial class SoftmaxNet;

[Network]
[Input(7)]
[LogSoftmax]
public partial class LogSoftmaxNet;

// Max pooling straight on the input, for hand-worked ties and padding (-infinity, not zero).
[Network]
[Input(1, 5)]
[MaxPool1D(3, Stride = 2, Padding = 1)]
public partial class MaxPoolTieNet;

[Network(UnrollLimit = 0)]
[Input(1, 5)]
[MaxPool1D(3, Stride = 2, Padding = 1)]
public partial class MaxPoolTieNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(1, 5)]
[MaxPool1D(3, Stride = 2, Padding = 1)]
public partial class MaxPoolTieNetUnrolled;

// Two stacked LSTM layers returning every step, flattened into a head. Smooth.
// [5,3] -lstm(2 layers)-> [5,4] -> [20] -> [3]
[Network]
[Input(5, 3)]
[LSTM(4, Layers = 2, Name = "lstm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class LstmNet;

[Network(UnrollLimit = 0)]
[Input(5, 3)]
[LSTM(4, Layers = 2, Name = "lstm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class LstmNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5, 3)]
[LSTM(4, Layers = 2, Name = "lstm")]
[Flatten]
[Linear(3, Name = "fc")]
public partial class LstmNetUnrolled;

// A bidirectional GRU keeping only the final states (h_n of both directions), then a head with Tanh. Smooth.
// [4,2] -gru(bi, last)-> [6] -> [2]
[Network]
[Input(4, 2)]
[GRU(3, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(2, Name = "fc"), Tanh]
public partial class GruNet;

[Network(UnrollLimit = 0)]
[Input(4, 2)]
[GRU(3, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(2, Name = "fc"), Tanh]
public partial class GruNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(4, 2)]
[GRU(3, Bidirectional = true, ReturnSequences = false, Name = "gru")]
[Linear(2, Name = "fc"), Tanh]
public partial class GruNetUnrolled;

// A ReLU RNN without bias into a two-layer bidirectional tanh RNN keeping the final states. ReLU: not smooth.
// [6,1] -rnn1(relu)-> [6,5] -rnn2(bi, 2 layers, last)-> [6] -> [2]
[Network]
[Input(6, 1)]
[RNN(5, Nonlinearity = RnnNonlinearity.ReLU, Bias = false, Name = "rnn1")]
[RNN(3, Layers = 2, Bidirectional = true, ReturnSequences = false, Name = "rnn2")]
[Linear(2, Name = "fc")]
public partial class RnnNet;

[Network(UnrollLimit = 0)]
[Input(6, 1)]
[RNN(5, Nonlinearity = RnnNonlinearity.ReLU, Bias = false, Name = "rnn1")]
[RNN(3, Layers = 2, Bidirectional = true, ReturnSequences = false, Name = "rnn2")]
[Linear(2, Name = "fc")]
public partial class RnnNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(6, 1)]
[RNN(5, Nonlinearity = RnnNonlinearity.ReLU, Bias = false, Name = "rnn1")]
[RNN(3, Layers = 2, Bidirectional = true, ReturnSequences = false, Name = "rnn2")]
[Linear(2, Name = "fc")]
public partial class RnnNetUnrolled;

// Every option at once: two bidirectional LSTM layers without bias, final states only; a single step (T = 1). Smooth.
// [1,4] -lstm-> [4] -> [1]
[Network]
[Input(1, 4)]
[LSTM(2, Layers = 2, Bidirectional = true, ReturnSequences = false, Bias = false, Name = "lstm")]
[Linear(1, Name = "fc")]
public partial class LstmStackNet;

[Network(UnrollLimit = 0)]
[Input(1, 4)]
[LSTM(2, Layers = 2, Bidirectional = true, ReturnSequences = false, Bias = false, Name = "lstm")]
[Linear(1, Name = "fc")]
public partial class LstmStackNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(1, 4)]
[LSTM(2, Layers = 2, Bidirectional = true, ReturnSequences = false, Bias = false, Name = "lstm")]
[Linear(1, Name = "fc")]
public partial class LstmStackNetUnrolled;

// Per-step heads: Linear on every step of a GRU's [T, H] output (PyTorch's Linear on the last dimension), a SiLU between
// (the sequence layout survives element-wise layers), a second per-step Linear with a fused Tanh, then flattened. Smooth.
// [5,3] -gru-> [5,4] -proj-> [5,3] -proj2-> [5,2] -> [10] -> [2]
[Network]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[Linear(3, Name = "proj")]
[SiLU]
[Linear(2, Bias = false, Name = "proj2"), Tanh]
[Flatten]
[Linear(2, Name = "fc")]
public partial class StepHeadNet;

[Network(UnrollLimit = 0)]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[Linear(3, Name = "proj")]
[SiLU]
[Linear(2, Bias = false, Name = "proj2"), Tanh]
[Flatten]
[Linear(2, Name = "fc")]
public partial class StepHeadNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[Linear(3, Name = "proj")]
[SiLU]
[Linear(2, Bias = false, Name = "proj2"), Tanh]
[Flatten]
[Linear(2, Name = "fc")]
public partial class StepHeadNetUnrolled;

// Mean over time of a GRU's every-step output. Smooth.  [5,3] -gru-> [5,4] -mean-> [4] -> [2]
[Network]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class MeanHeadNet;

[Network(UnrollLimit = 0)]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class MeanHeadNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5, 3)]
[GRU(4, Name = "gru")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class MeanHeadNetUnrolled;

// Max over time of a per-step projection of an LSTM's output (a kink: inputs keep a margin). [6,2] -> [6,3] -> [6,4] -> [4] -> [2]
[Network]
[Input(6, 2)]
[LSTM(3, Name = "lstm")]
[Linear(4, Name = "proj")]
[MaxOverTime]
[Linear(2, Name = "fc")]
public partial class MaxHeadNet;

[Network(UnrollLimit = 0)]
[Input(6, 2)]
[LSTM(3, Name = "lstm")]
[Linear(4, Name = "proj")]
[MaxOverTime]
[Linear(2, Name = "fc")]
public partial class MaxHeadNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(6, 2)]
[LSTM(3, Name = "lstm")]
[Linear(4, Name = "proj")]
[MaxOverTime]
[Linear(2, Name = "fc")]
public partial class MaxHeadNetUnrolled;

// The last step of a bidirectional RNN's output (the reverse direction's first state). Smooth. [4,2] -> [4,6] -> [6] -> [3]
[Network]
[Input(4, 2)]
[RNN(3, Bidirectional = true, Name = "rnn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class LastHeadNet;

[Network(UnrollLimit = 0)]
[Input(4, 2)]
[RNN(3, Bidirectional = true, Name = "rnn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class LastHeadNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(4, 2)]
[RNN(3, Bidirectional = true, Name = "rnn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class LastHeadNetUnrolled;

// Sinusoidal positions on a GRU's steps, a per-step projection, learned positions, the mean over time. Smooth.
// [5,3] -gru-> [5,6] -pe-> -proj-> [5,4] -learned pe-> -mean-> [4] -> [2]
[Network]
[Input(5, 3)]
[GRU(6, Name = "gru")]
[PositionalEncoding]
[Linear(4, Name = "proj")]
[PositionalEncoding(Learned = true, Name = "pos")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class PositionNet;

[Network(UnrollLimit = 0)]
[Input(5, 3)]
[GRU(6, Name = "gru")]
[PositionalEncoding]
[Linear(4, Name = "proj")]
[PositionalEncoding(Learned = true, Name = "pos")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class PositionNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5, 3)]
[GRU(6, Name = "gru")]
[PositionalEncoding]
[Linear(4, Name = "proj")]
[PositionalEncoding(Learned = true, Name = "pos")]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class PositionNetUnrolled;

// Self-attention on a per-step projection of a GRU's output, with the input added back (a residual), then the mean over
// time. Smooth. [4,3] -gru-> [4,5] -proj-> [4,6] -attention(2 heads)-> [4,6] -mean-> [6] -> [2]
[Network]
[Input(4, 3)]
[GRU(5, Name = "gru")]
[Linear(6, Name = "proj")]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class AttentionNet;

[Network(UnrollLimit = 0)]
[Input(4, 3)]
[GRU(5, Name = "gru")]
[Linear(6, Name = "proj")]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class AttentionNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(4, 3)]
[GRU(5, Name = "gru")]
[Linear(6, Name = "proj")]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[MeanOverTime]
[Linear(2, Name = "fc")]
public partial class AttentionNetUnrolled;

// Causal attention with sinusoidal positions, four heads of one feature each, the last step. Smooth.
// [5,2] -gru-> [5,4] -pe-> -causal attention(4 heads)-> [5,4] -last-> [4] -> [3]
[Network]
[Input(5, 2)]
[GRU(4, Name = "gru")]
[PositionalEncoding]
[MultiheadAttention(4, Causal = true, Name = "attn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class CausalAttentionNet;

[Network(UnrollLimit = 0)]
[Input(5, 2)]
[GRU(4, Name = "gru")]
[PositionalEncoding]
[MultiheadAttention(4, Causal = true, Name = "attn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class CausalAttentionNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(5, 2)]
[GRU(4, Name = "gru")]
[PositionalEncoding]
[MultiheadAttention(4, Causal = true, Name = "attn")]
[LastStep]
[Linear(3, Name = "fc")]
public partial class CausalAttentionNetUnrolled;

// A Transformer block straight on the network's input: [Input(T, F, Sequence = true)] makes the per-step Linear project each
// of the 6 steps' 4 features to the model dimension (nn.Linear on [N, T, F]), and the LayerNorm normalize each step. Smooth.
[Network]
[Input(6, 4, Sequence = true)]
[Linear(8, Name = "embed")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class SequenceInputNet;

[Network(UnrollLimit = 0)]
[Input(6, 4, Sequence = true)]
[Linear(8, Name = "embed")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class SequenceInputNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(6, 4, Sequence = true)]
[Linear(8, Name = "embed")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class SequenceInputNetUnrolled;

// A one-block Transformer encoder on an LSTM's steps (post-norm, as nn.TransformerEncoderLayer): attention, add & norm,
// feed-forward, add & norm, each LayerNorm per step over the 8 features (nn.LayerNorm(8)). Smooth.
[Network]
[Input(6, 3)]
[LSTM(8, Name = "lstm")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm1")]
[Residual]
[Linear(16, Name = "ff1")]
[GELU]
[Linear(8, Name = "ff2")]
[EndResidual]
[LayerNorm(Name = "norm2")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class TransformerNet;

[Network(UnrollLimit = 0)]
[Input(6, 3)]
[LSTM(8, Name = "lstm")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm1")]
[Residual]
[Linear(16, Name = "ff1")]
[GELU]
[Linear(8, Name = "ff2")]
[EndResidual]
[LayerNorm(Name = "norm2")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class TransformerNetKernels;

[Network(UnrollLimit = 1_000_000)]
[Input(6, 3)]
[LSTM(8, Name = "lstm")]
[PositionalEncoding]
[Residual]
[MultiheadAttention(2, Name = "attn")]
[EndResidual]
[LayerNorm(Name = "norm1")]
[Residual]
[Linear(16, Name = "ff1")]
[GELU]
[Linear(8, Name = "ff2")]
[EndResidual]
[LayerNorm(Name = "norm2")]
[MeanOverTime]
[Linear(3, Name = "fc")]
public partial class TransformerNetUnrolled;

/// <summary>A generated network of the layer catalog under test, with its oracle.</summary>
public sealed class LayerCase
{
    public required string Name { get; init; }

    public required string Architecture { get; init; }

    public required EmitPath Path { get; init; }

    /// <summary>The double-precision oracle; shared by the three variants of an architecture.</summary>
    public required ReferenceModel Reference { get; init; }

    /// <summary>Only smooth functions (no ReLU-like kink, no max pooling, no dropout): float finite differences apply.</summary>
    public required bool IsSmooth { get; init; }

    public required int InputSize { get; init; }

    public required int OutputSize { get; init; }

    public required int ParameterCount { get; init; }

    public required int[] InputShape { get; init; }

    public required int[] OutputShape { get; init; }

    public required Func<int, INetwork> Factory { get; init; }

    /// <summary>The strongly typed <c>Forward(in T.Input)</c>.</summary>
    public required Func<INetwork, float[], float[]> ForwardTyped { get; init; }

    public bool HasDropout => Reference.Dropouts.Count > 0;

    public bool HasBatchNorm => Reference.HasBatchNorm;

    /// <summary>The smallest batch ForwardTraining accepts: batch normalization on <c>[C]</c> needs two samples.</summary>
    public int MinimumTrainingBatch => NeedsTwoSamples ? 2 : 1;

    /// <summary>Whether some batch normalization sees a single value per channel and sample (BatchNorm1D on <c>[C]</c>).</summary>
    public required bool NeedsTwoSamples { get; init; }

    public INetwork Create(int seed) => Factory(seed);

    public override string ToString() => Name;
}

/// <summary>Every network of the layer-catalog tests, by name.</summary>
public static class LayerNetworks
{
    private static readonly ReferenceModel Cnn = new(
        [2, 7, 9],
        R.Conv2D(3, 3, 2, "conv1", strideHeight: 2, strideWidth: 2, paddingHeight: 1, paddingWidth: 1), R.Tanh(),
        R.MaxPool2D(2, stride: 1),
        R.Conv2D(4, 2, 2, "conv2", dilationHeight: 2, dilationWidth: 2, bias: false), R.Sigmoid(),
        R.AvgPool2D(2, padding: 1, countIncludePad: false),
        R.Flatten(),
        R.Linear(5, "fc1"), R.GELU(),
        R.Linear(3, "fc2"));

    private static readonly ReferenceModel WideCnn = new(
        [2, 8, 13],
        R.Conv2D(3, 2, 3, "conv1", paddingHeight: 1, paddingWidth: 2, dilationWidth: 2),
        R.ELU(),
        R.AvgPool2D(3, stride: 2, padding: 1),
        R.Conv2D(4, 3, 3, "conv2", paddingHeight: R.Same, paddingWidth: R.Same), R.Identity(),
        R.MaxPool2D(3, stride: 2, padding: 1),
        R.ReLU(),
        R.GlobalAvgPool(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel Sequence = new(
        [3, 37],
        R.Conv1D(5, 3, "conv1", padding: R.Same, dilation: 2),
        R.LeakyReLU(0.1),
        R.Conv1D(4, 4, "conv2", padding: R.Same),
        R.ELU(0.5),
        R.AvgPool1D(3, stride: 2, padding: 1),
        R.Conv1D(6, 3, "conv3", stride: 2, bias: false), R.Tanh(),
        R.MaxPool1D(3, stride: 2, padding: 1),
        R.GlobalAvgPool(),
        R.Linear(4, "fc"));

    private static readonly ReferenceModel Residual = new(
        [13],
        R.Residual(R.Linear(13, "fc1"), R.Tanh()),
        R.Linear(11, "fc2"),
        R.Residual(
            R.Residual(R.LayerNorm("ln"), R.Linear(11, "fc3"), R.SiLU()),
            R.Linear(11, "fc4", bias: false), R.Sigmoid(),
            R.Residual(R.GELU())),
        R.GELU(tanhApproximation: true),
        R.Linear(5, "out"),
        R.LogSoftmax());

    private static readonly ReferenceModel Head = new(
        [9],
        R.Identity(),
        R.Linear(7, "fc1"),
        R.LeakyReLU(),
        R.Linear(6, "fc2"), R.Identity(),
        R.ELU(),
        R.LayerNorm("ln", eps: 1e-3, affine: false),
        R.Linear(5, "fc3"),
        R.Softmax());

    private static readonly ReferenceModel BatchNorm = new(
        [3, 5, 6],
        R.Conv2D(4, 3, 3, "conv", paddingHeight: 1, paddingWidth: 1),
        R.BatchNorm2D("bn2d"),
        R.ReLU(),
        R.Flatten(),
        R.Linear(10, "fc1"),
        R.BatchNorm1D("bn", momentum: 0.3),
        R.Tanh(),
        R.Dropout(0.4),
        R.Linear(3, "fc2"));

    private static readonly ReferenceModel BatchNormSequence = new(
        [4, 9],
        R.Conv1D(5, 3, "conv"),
        R.BatchNorm1D("bn", eps: 1e-3, momentum: 0.25),
        R.SiLU(),
        R.Reshape(5, 7, 1),
        R.BatchNorm2D("bn2", affine: false),
        R.Flatten(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel ReshapeModel = new(
        [30],
        R.Linear(36, "fc1"), R.Tanh(),
        R.Reshape(4, -1, 3),
        R.Conv2D(2, 2, 2, "conv", paddingHeight: R.Same, paddingWidth: R.Same),
        R.SiLU(),
        R.Reshape(-1, 6),
        R.LayerNorm("ln"),
        R.Conv1D(2, 2, "conv1d", stride: 2),
        R.Flatten(),
        R.Linear(2, "fc2"));

    private static readonly ReferenceModel Dropouts = new(
        [20],
        R.Dropout(0.2),
        R.Linear(16, "fc1"), R.Tanh(),
        R.Dropout(0.5),
        R.Linear(4, "fc2"));

    private static readonly ReferenceModel ResNetModel = new(
        [2, 6, 7],
        R.Conv2D(4, 3, 3, "stem", strideHeight: 1, strideWidth: 2, paddingHeight: 1, paddingWidth: 1), R.Tanh(),
        R.Residual(
            R.Conv2D(4, 3, 3, "conv1", paddingHeight: R.Same, paddingWidth: R.Same, dilationHeight: 2, bias: false),
            R.BatchNorm2D("bn1"),
            R.ReLU(),
            R.Conv2D(4, 3, 1, "conv2", paddingHeight: 1, paddingWidth: 0)),
        R.Residual(
            R.LeakyReLU(0.2),
            R.AvgPool2D(3, stride: 1, padding: 1)),
        R.ReLU(),
        R.GlobalAvgPool(),
        R.BatchNorm1D("bn2", affine: false),
        R.Dropout(0.25),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel ResidualConv = new(
        [2, 7],
        R.Residual(R.Conv1D(2, 3, "conv1", padding: 1), R.Tanh(), R.Residual(R.SiLU())),
        R.Residual(R.Conv1D(2, 2, "conv2", padding: R.Same)),
        R.Flatten(),
        R.Residual(R.Dropout(0.3), R.Linear(14, "fc1"), R.Sigmoid()),
        R.Linear(2, "fc2"));

    private static readonly ReferenceModel OddConv = new(
        [2, 10, 12],
        R.Conv2D(3, 2, 3, "conv1", strideHeight: 2, strideWidth: 3, paddingHeight: 2, paddingWidth: 1, dilationHeight: 3, dilationWidth: 2), R.Sigmoid(),
        R.Conv2D(2, 2, 2, "conv2", paddingHeight: R.Same, paddingWidth: R.Same, dilationHeight: 3, dilationWidth: 3),
        R.MaxPool2D(2),
        R.Reshape(2, -1),
        R.Conv1D(2, 2, "conv3", stride: 3, dilation: 2),
        R.Flatten(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel MaxPoolTie = new([1, 5], R.MaxPool1D(3, stride: 2, padding: 1));

    private static readonly ReferenceModel WideDropout = new([1000], R.Dropout(0.3));

    private static readonly ReferenceModel Activations = new(
        [2, 6],
        R.Conv1D(3, 3, "conv", padding: 1),
        R.PReLU("prelu1", slopes: 3, init: 0.5),
        R.Flatten(),
        R.Linear(8, "fc1"), R.Softplus(2),
        R.Linear(6, "fc2"), R.Mish(),
        R.Linear(4, "fc3"), R.PReLU("prelu2"),
        R.Linear(3, "out"), R.Hardswish());

    private static readonly ReferenceModel Lstm = new(
        [5, 3],
        R.LSTM(4, "lstm", layers: 2),
        R.Flatten(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel Gru = new(
        [4, 2],
        R.GRU(3, "gru", bidirectional: true, returnSequences: false),
        R.Linear(2, "fc"), R.Tanh());

    private static readonly ReferenceModel Rnn = new(
        [6, 1],
        R.RNN(5, "rnn1", relu: true, bias: false),
        R.RNN(3, "rnn2", layers: 2, bidirectional: true, returnSequences: false),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel LstmStack = new(
        [1, 4],
        R.LSTM(2, "lstm", layers: 2, bidirectional: true, returnSequences: false, bias: false),
        R.Linear(1, "fc"));

    private static readonly ReferenceModel StepHead = new(
        [5, 3],
        R.GRU(4, "gru"),
        R.Linear(3, "proj"),
        R.SiLU(),
        R.Linear(2, "proj2", bias: false), R.Tanh(),
        R.Flatten(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel MeanHead = new(
        [5, 3],
        R.GRU(4, "gru"),
        R.MeanOverTime(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel MaxHead = new(
        [6, 2],
        R.LSTM(3, "lstm"),
        R.Linear(4, "proj"),
        R.MaxOverTime(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel LastHead = new(
        [4, 2],
        R.RNN(3, "rnn", bidirectional: true),
        R.LastStep(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel Position = new(
        [5, 3],
        R.GRU(6, "gru"),
        R.PositionalEncoding(),
        R.Linear(4, "proj"),
        R.PositionalEncoding("pos", learned: true),
        R.MeanOverTime(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel Attention = new(
        [4, 3],
        R.GRU(5, "gru"),
        R.Linear(6, "proj"),
        R.Residual(R.MultiheadAttention(2, "attn")),
        R.MeanOverTime(),
        R.Linear(2, "fc"));

    private static readonly ReferenceModel CausalAttention = new(
        [5, 2],
        R.GRU(4, "gru"),
        R.PositionalEncoding(),
        R.MultiheadAttention(4, "attn", causal: true),
        R.LastStep(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel SequenceInput = new(
        [6, 4],
        R.Linear(8, "embed"),
        R.PositionalEncoding(),
        R.Residual(R.MultiheadAttention(2, "attn")),
        R.LayerNorm("norm", perStep: true),
        R.MeanOverTime(),
        R.Linear(3, "fc"));

    private static readonly ReferenceModel Transformer = new(
        [6, 3],
        R.LSTM(8, "lstm"),
        R.PositionalEncoding(),
        R.Residual(R.MultiheadAttention(2, "attn")),
        R.LayerNorm("norm1", perStep: true),
        R.Residual(R.Linear(16, "ff1"), R.GELU(), R.Linear(8, "ff2")),
        R.LayerNorm("norm2", perStep: true),
        R.MeanOverTime(),
        R.Linear(3, "fc"));

    private static readonly LayerCase[] Cases =
    [
        .. Three<CnnNet, CnnNetKernels, CnnNetUnrolled>("Cnn", Cnn, smooth: false,
            (n, x) => { CnnNet.Output y = n.Forward(new CnnNet.Input(x)); return Elements(y); }, (n, x) => { CnnNetKernels.Output y = n.Forward(new CnnNetKernels.Input(x)); return Elements(y); }, (n, x) => { CnnNetUnrolled.Output y = n.Forward(new CnnNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<WideCnnNet, WideCnnNetKernels, WideCnnNetUnrolled>("WideCnn", WideCnn, smooth: false,
            (n, x) => { WideCnnNet.Output y = n.Forward(new WideCnnNet.Input(x)); return Elements(y); }, (n, x) => { WideCnnNetKernels.Output y = n.Forward(new WideCnnNetKernels.Input(x)); return Elements(y); }, (n, x) => { WideCnnNetUnrolled.Output y = n.Forward(new WideCnnNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<SequenceNet, SequenceNetKernels, SequenceNetUnrolled>("Sequence", Sequence, smooth: false,
            (n, x) => { SequenceNet.Output y = n.Forward(new SequenceNet.Input(x)); return Elements(y); }, (n, x) => { SequenceNetKernels.Output y = n.Forward(new SequenceNetKernels.Input(x)); return Elements(y); }, (n, x) => { SequenceNetUnrolled.Output y = n.Forward(new SequenceNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<ResidualNet, ResidualNetKernels, ResidualNetUnrolled>("Residual", Residual, smooth: true,
            (n, x) => { ResidualNet.Output y = n.Forward(new ResidualNet.Input(x)); return Elements(y); }, (n, x) => { ResidualNetKernels.Output y = n.Forward(new ResidualNetKernels.Input(x)); return Elements(y); }, (n, x) => { ResidualNetUnrolled.Output y = n.Forward(new ResidualNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<HeadNet, HeadNetKernels, HeadNetUnrolled>("Head", Head, smooth: false,
            (n, x) => { HeadNet.Output y = n.Forward(new HeadNet.Input(x)); return Elements(y); }, (n, x) => { HeadNetKernels.Output y = n.Forward(new HeadNetKernels.Input(x)); return Elements(y); }, (n, x) => { HeadNetUnrolled.Output y = n.Forward(new HeadNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<BatchNormNet, BatchNormNetKernels, BatchNormNetUnrolled>("BatchNorm", BatchNorm, smooth: false,
            (n, x) => { BatchNormNet.Output y = n.Forward(new BatchNormNet.Input(x)); return Elements(y); }, (n, x) => { BatchNormNetKernels.Output y = n.Forward(new BatchNormNetKernels.Input(x)); return Elements(y); }, (n, x) => { BatchNormNetUnrolled.Output y = n.Forward(new BatchNormNetUnrolled.Input(x)); return Elements(y); },
            needsTwoSamples: true),
        .. Three<BatchNormSequenceNet, BatchNormSequenceNetKernels, BatchNormSequenceNetUnrolled>("BatchNormSequence", BatchNormSequence, smooth: true,
            (n, x) => { BatchNormSequenceNet.Output y = n.Forward(new BatchNormSequenceNet.Input(x)); return Elements(y); }, (n, x) => { BatchNormSequenceNetKernels.Output y = n.Forward(new BatchNormSequenceNetKernels.Input(x)); return Elements(y); }, (n, x) => { BatchNormSequenceNetUnrolled.Output y = n.Forward(new BatchNormSequenceNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<ReshapeNet, ReshapeNetKernels, ReshapeNetUnrolled>("Reshape", ReshapeModel, smooth: true,
            (n, x) => { ReshapeNet.Output y = n.Forward(new ReshapeNet.Input(x)); return Elements(y); }, (n, x) => { ReshapeNetKernels.Output y = n.Forward(new ReshapeNetKernels.Input(x)); return Elements(y); }, (n, x) => { ReshapeNetUnrolled.Output y = n.Forward(new ReshapeNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<DropoutNet, DropoutNetKernels, DropoutNetUnrolled>("Dropout", Dropouts, smooth: false,
            (n, x) => { DropoutNet.Output y = n.Forward(new DropoutNet.Input(x)); return Elements(y); }, (n, x) => { DropoutNetKernels.Output y = n.Forward(new DropoutNetKernels.Input(x)); return Elements(y); }, (n, x) => { DropoutNetUnrolled.Output y = n.Forward(new DropoutNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<ResNet, ResNetKernels, ResNetUnrolled>("ResNet", ResNetModel, smooth: false,
            (n, x) => { ResNet.Output y = n.Forward(new ResNet.Input(x)); return Elements(y); }, (n, x) => { ResNetKernels.Output y = n.Forward(new ResNetKernels.Input(x)); return Elements(y); }, (n, x) => { ResNetUnrolled.Output y = n.Forward(new ResNetUnrolled.Input(x)); return Elements(y); },
            needsTwoSamples: true),
        .. Three<ResidualConvNet, ResidualConvNetKernels, ResidualConvNetUnrolled>("ResidualConv", ResidualConv, smooth: false,
            (n, x) => { ResidualConvNet.Output y = n.Forward(new ResidualConvNet.Input(x)); return Elements(y); }, (n, x) => { ResidualConvNetKernels.Output y = n.Forward(new ResidualConvNetKernels.Input(x)); return Elements(y); }, (n, x) => { ResidualConvNetUnrolled.Output y = n.Forward(new ResidualConvNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<OddConvNet, OddConvNetKernels, OddConvNetUnrolled>("OddConv", OddConv, smooth: false,
            (n, x) => { OddConvNet.Output y = n.Forward(new OddConvNet.Input(x)); return Elements(y); }, (n, x) => { OddConvNetKernels.Output y = n.Forward(new OddConvNetKernels.Input(x)); return Elements(y); }, (n, x) => { OddConvNetUnrolled.Output y = n.Forward(new OddConvNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<MaxPoolTieNet, MaxPoolTieNetKernels, MaxPoolTieNetUnrolled>("MaxPoolTie", MaxPoolTie, smooth: false,
            (n, x) => { MaxPoolTieNet.Output y = n.Forward(new MaxPoolTieNet.Input(x)); return Elements(y); }, (n, x) => { MaxPoolTieNetKernels.Output y = n.Forward(new MaxPoolTieNetKernels.Input(x)); return Elements(y); }, (n, x) => { MaxPoolTieNetUnrolled.Output y = n.Forward(new MaxPoolTieNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<WideDropoutNet, WideDropoutNetKernels, WideDropoutNetUnrolled>("WideDropout", WideDropout, smooth: false,
            (n, x) => { WideDropoutNet.Output y = n.Forward(new WideDropoutNet.Input(x)); return Elements(y); }, (n, x) => { WideDropoutNetKernels.Output y = n.Forward(new WideDropoutNetKernels.Input(x)); return Elements(y); }, (n, x) => { WideDropoutNetUnrolled.Output y = n.Forward(new WideDropoutNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<ActivationsNet, ActivationsNetKernels, ActivationsNetUnrolled>("Activations", Activations, smooth: false,
            (n, x) => { ActivationsNet.Output y = n.Forward(new ActivationsNet.Input(x)); return Elements(y); }, (n, x) => { ActivationsNetKernels.Output y = n.Forward(new ActivationsNetKernels.Input(x)); return Elements(y); }, (n, x) => { ActivationsNetUnrolled.Output y = n.Forward(new ActivationsNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<LstmNet, LstmNetKernels, LstmNetUnrolled>("Lstm", Lstm, smooth: true,
            (n, x) => { LstmNet.Output y = n.Forward(new LstmNet.Input(x)); return Elements(y); }, (n, x) => { LstmNetKernels.Output y = n.Forward(new LstmNetKernels.Input(x)); return Elements(y); }, (n, x) => { LstmNetUnrolled.Output y = n.Forward(new LstmNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<GruNet, GruNetKernels, GruNetUnrolled>("Gru", Gru, smooth: true,
            (n, x) => { GruNet.Output y = n.Forward(new GruNet.Input(x)); return Elements(y); }, (n, x) => { GruNetKernels.Output y = n.Forward(new GruNetKernels.Input(x)); return Elements(y); }, (n, x) => { GruNetUnrolled.Output y = n.Forward(new GruNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<RnnNet, RnnNetKernels, RnnNetUnrolled>("Rnn", Rnn, smooth: false,
            (n, x) => { RnnNet.Output y = n.Forward(new RnnNet.Input(x)); return Elements(y); }, (n, x) => { RnnNetKernels.Output y = n.Forward(new RnnNetKernels.Input(x)); return Elements(y); }, (n, x) => { RnnNetUnrolled.Output y = n.Forward(new RnnNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<LstmStackNet, LstmStackNetKernels, LstmStackNetUnrolled>("LstmStack", LstmStack, smooth: true,
            (n, x) => { LstmStackNet.Output y = n.Forward(new LstmStackNet.Input(x)); return Elements(y); }, (n, x) => { LstmStackNetKernels.Output y = n.Forward(new LstmStackNetKernels.Input(x)); return Elements(y); }, (n, x) => { LstmStackNetUnrolled.Output y = n.Forward(new LstmStackNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<StepHeadNet, StepHeadNetKernels, StepHeadNetUnrolled>("StepHead", StepHead, smooth: true,
            (n, x) => { StepHeadNet.Output y = n.Forward(new StepHeadNet.Input(x)); return Elements(y); }, (n, x) => { StepHeadNetKernels.Output y = n.Forward(new StepHeadNetKernels.Input(x)); return Elements(y); }, (n, x) => { StepHeadNetUnrolled.Output y = n.Forward(new StepHeadNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<MeanHeadNet, MeanHeadNetKernels, MeanHeadNetUnrolled>("MeanHead", MeanHead, smooth: true,
            (n, x) => { MeanHeadNet.Output y = n.Forward(new MeanHeadNet.Input(x)); return Elements(y); }, (n, x) => { MeanHeadNetKernels.Output y = n.Forward(new MeanHeadNetKernels.Input(x)); return Elements(y); }, (n, x) => { MeanHeadNetUnrolled.Output y = n.Forward(new MeanHeadNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<MaxHeadNet, MaxHeadNetKernels, MaxHeadNetUnrolled>("MaxHead", MaxHead, smooth: false,
            (n, x) => { MaxHeadNet.Output y = n.Forward(new MaxHeadNet.Input(x)); return Elements(y); }, (n, x) => { MaxHeadNetKernels.Output y = n.Forward(new MaxHeadNetKernels.Input(x)); return Elements(y); }, (n, x) => { MaxHeadNetUnrolled.Output y = n.Forward(new MaxHeadNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<LastHeadNet, LastHeadNetKernels, LastHeadNetUnrolled>("LastHead", LastHead, smooth: true,
            (n, x) => { LastHeadNet.Output y = n.Forward(new LastHeadNet.Input(x)); return Elements(y); }, (n, x) => { LastHeadNetKernels.Output y = n.Forward(new LastHeadNetKernels.Input(x)); return Elements(y); }, (n, x) => { LastHeadNetUnrolled.Output y = n.Forward(new LastHeadNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<PositionNet, PositionNetKernels, PositionNetUnrolled>("Position", Position, smooth: true,
            (n, x) => { PositionNet.Output y = n.Forward(new PositionNet.Input(x)); return Elements(y); }, (n, x) => { PositionNetKernels.Output y = n.Forward(new PositionNetKernels.Input(x)); return Elements(y); }, (n, x) => { PositionNetUnrolled.Output y = n.Forward(new PositionNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<AttentionNet, AttentionNetKernels, AttentionNetUnrolled>("Attention", Attention, smooth: true,
            (n, x) => { AttentionNet.Output y = n.Forward(new AttentionNet.Input(x)); return Elements(y); }, (n, x) => { AttentionNetKernels.Output y = n.Forward(new AttentionNetKernels.Input(x)); return Elements(y); }, (n, x) => { AttentionNetUnrolled.Output y = n.Forward(new AttentionNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<CausalAttentionNet, CausalAttentionNetKernels, CausalAttentionNetUnrolled>("CausalAttention", CausalAttention, smooth: true,
            (n, x) => { CausalAttentionNet.Output y = n.Forward(new CausalAttentionNet.Input(x)); return Elements(y); }, (n, x) => { CausalAttentionNetKernels.Output y = n.Forward(new CausalAttentionNetKernels.Input(x)); return Elements(y); }, (n, x) => { CausalAttentionNetUnrolled.Output y = n.Forward(new CausalAttentionNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<SequenceInputNet, SequenceInputNetKernels, SequenceInputNetUnrolled>("SequenceInput", SequenceInput, smooth: true,
            (n, x) => { SequenceInputNet.Output y = n.Forward(new SequenceInputNet.Input(x)); return Elements(y); }, (n, x) => { SequenceInputNetKernels.Output y = n.Forward(new SequenceInputNetKernels.Input(x)); return Elements(y); }, (n, x) => { SequenceInputNetUnrolled.Output y = n.Forward(new SequenceInputNetUnrolled.Input(x)); return Elements(y); }),
        .. Three<TransformerNet, TransformerNetKernels, TransformerNetUnrolled>("Transformer", Transformer, smooth: true,
            (n, x) => { TransformerNet.Output y = n.Forward(new TransformerNet.Input(x)); return Elements(y); }, (n, x) => { TransformerNetKernels.Output y = n.Forward(new TransformerNetKernels.Input(x)); return Elements(y); }, (n, x) => { TransformerNetUnrolled.Output y = n.Forward(new TransformerNetUnrolled.Input(x)); return Elements(y); }),
    ];

    private static readonly Dictionary<string, LayerCase> ByName = Cases.ToDictionary(c => c.Name);

    public static IReadOnlyList<LayerCase> All => Cases;

    public static IEnumerable<string> Architectures => Cases.Select(c => c.Architecture).Distinct();

    public static LayerCase Get(string name) => ByName[name];

    public static LayerCase Get(string architecture, EmitPath path) => Cases.Single(c => c.Architecture == architecture && c.Path == path);

    /// <summary>Every network's name.</summary>
    public static TheoryData<string> Names() => Data(Cases);

    /// <summary>The networks that only compute smooth functions.</summary>
    public static TheoryData<string> SmoothNames() => Data(Cases.Where(c => c.IsSmooth));

    /// <summary>
    /// The networks for the float finite-difference check: the smooth ones, and three with kinks (max pooling in the brief's
    /// CNN, LeakyReLU in the head, Hardswish in the activations) whose inputs can be drawn far enough from every kink for the finite steps.
    /// </summary>
    public static TheoryData<string> FiniteDifferenceNames() => Data(Cases.Where(c => c.IsSmooth || c.Architecture is "Cnn" or "Head" or "Activations"));

    /// <summary>The networks with batch normalization.</summary>
    public static TheoryData<string> BatchNormNames() => Data(Cases.Where(c => c.HasBatchNorm));

    public static TheoryData<string> ArchitectureNames()
    {
        var data = new TheoryData<string>();
        foreach (string architecture in Architectures)
        {
            data.Add(architecture);
        }

        return data;
    }

    private static TheoryData<string> Data(IEnumerable<LayerCase> cases)
    {
        var data = new TheoryData<string>();
        foreach (LayerCase c in cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static float[] Elements(ReadOnlySpan<float> values) => values.ToArray();

    private static LayerCase[] Three<TDefault, TKernels, TUnrolled>(string architecture, ReferenceModel reference, bool smooth,
        Func<TDefault, float[], float[]> forwardDefault, Func<TKernels, float[], float[]> forwardKernels, Func<TUnrolled, float[], float[]> forwardUnrolled, bool needsTwoSamples = false)
        where TDefault : class, INetwork<TDefault>
        where TKernels : class, INetwork<TKernels>
        where TUnrolled : class, INetwork<TUnrolled> =>
    [
        Make(architecture, EmitPath.Default, reference, smooth, needsTwoSamples, forwardDefault),
        Make(architecture, EmitPath.Kernels, reference, smooth, needsTwoSamples, forwardKernels),
        Make(architecture, EmitPath.Unrolled, reference, smooth, needsTwoSamples, forwardUnrolled),
    ];

    private static LayerCase Make<T>(string architecture, EmitPath path, ReferenceModel reference, bool smooth, bool needsTwoSamples, Func<T, float[], float[]> forwardTyped)
        where T : class, INetwork<T> => new()
    {
        Name = typeof(T).Name,
        Architecture = architecture,
        Path = path,
        Reference = reference,
        IsSmooth = smooth,
        NeedsTwoSamples = needsTwoSamples,
        InputSize = T.InputSize,
        OutputSize = T.OutputSize,
        ParameterCount = T.ParameterCount,
        InputShape = T.InputShape.ToArray(),
        OutputShape = T.OutputShape.ToArray(),
        Factory = seed => T.Create(seed),
        ForwardTyped = (n, x) => forwardTyped((T)n, x),
    };
}
