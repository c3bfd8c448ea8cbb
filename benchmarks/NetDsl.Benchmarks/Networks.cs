using NetDsl;

namespace NetDsl.Benchmarks;

// The three networks of issue 6 and N4 of issue 12, declared as NetDsl classes. Shapes of N3: 28 -> 26 (conv 3x3)
// -> 13 (pool 2) -> 11 (conv 3x3) -> 5 (pool 2, floor) -> 16 * 5 * 5 = 400 -> Linear(400, 10). Shapes of N4 (every
// convolution keeps its map size with padding 1): 1x28x28 -> 32x28x28 -> 32x14x14 -> 64x14x14 -> 64x7x7 -> 64x7x7
// -> 64x3x3 (pool 2, floor) -> 576 -> Dropout(0.3) -> Linear(576, 10).

/// <summary>N1, the seed network: Linear(3, 2) - ReLU - Linear(2, 1), trained with MSE.</summary>
[Network]
[Input(3)]
[Linear(2), ReLU]
[Linear(1)]
public partial class N1Net;

/// <summary>N2: Linear(784, 128) - ReLU - Linear(128, 10), trained with softmax cross-entropy; with its int8 twin (issue 15).</summary>
[Network(Int8 = true)]
[Input(784)]
[Linear(128), ReLU]
[Linear(10)]
public partial class N2Net;

/// <summary>N3: a small CNN on 1x28x28, trained with softmax cross-entropy.</summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(8, Kernel = 3), ReLU]
[MaxPool2D(2)]
[Conv2D(16, Kernel = 3), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(10)]
public partial class N3Net;

/// <summary>N4: a three-convolution CNN on 1x28x28 with dropout, trained with softmax cross-entropy (issue 12, "Measure the curve").</summary>
[Network]
[Input(1, 28, 28)]
[Conv2D(32, Kernel = 3, Padding = 1), ReLU]
[MaxPool2D(2)]
[Conv2D(64, Kernel = 3, Padding = 1), ReLU]
[MaxPool2D(2)]
[Conv2D(64, Kernel = 3, Padding = 1), ReLU]
[MaxPool2D(2)]
[Flatten, Dropout(0.3)]
[Linear(10)]
public partial class N4Net;

/// <summary>The digits CNN of <c>samples/DigitsCnn</c> on 1x8x8, with its int8 twin (issue 15, the int8 convolution).</summary>
[Network(Int8 = true)]
[Input(1, 8, 8)]
[Conv2D(16, Kernel = 3, Padding = 1), BatchNorm2D, ReLU]
[MaxPool2D(2)]
[Conv2D(32, Kernel = 3, Padding = 1), ReLU]
[MaxPool2D(2)]
[Flatten]
[Linear(10)]
public partial class DigitsCnnNet;

/// <summary>
/// N4's third convolution (64x7x7 -> 64x7x7, kernel 3, padding 1) with the least around it that an int8 twin needs (a
/// convolution is never the last int8 stage): a 7x7 max pool and a Linear(64, 10), a few percent of its time.
/// </summary>
[Network(Int8 = true)]
[Input(64, 7, 7)]
[Conv2D(64, Kernel = 3, Padding = 1), ReLU]
[MaxPool2D(7)]
[Flatten]
[Linear(10)]
public partial class N4ConvLayerNet;
