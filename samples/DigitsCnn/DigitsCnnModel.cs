using NetDsl;

namespace DigitsCnn;

// A small convolutional network for the 8x8 digits, each image a one-channel [1, 8, 8] sample.
// Shapes, inferred at compile time: [1, 8, 8] -> [16, 8, 8] -> [16, 4, 4] -> [32, 4, 4] -> [32, 2, 2] -> [128] -> [10].
// Int8 = true adds the int8 twin (DigitsCnnModel.Quantized): bn1 folds into conv1, each ReLU into the layer before it.
[Network(Int8 = true)]
[Input(1, 8, 8)]
[Conv2D(16, Kernel = 3, Padding = 1, Name = "conv1")]
[BatchNorm2D(Name = "bn1"), ReLU]
[MaxPool2D(2)]
[Conv2D(32, Kernel = 3, Padding = 1, Name = "conv2"), ReLU]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.25)]
[Linear(10, Name = "fc")]
public partial class DigitsCnnModel;
