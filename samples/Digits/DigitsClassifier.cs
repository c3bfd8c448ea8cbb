using NetDsl;

namespace Digits;

// 8x8 images of handwritten digits (64 pixel values) -> 10 logits, one per digit.
// The generator writes the rest of this class: forward, backward, parameters, the INetwork<DigitsClassifier> implementation,
// and (Int8 = true) the int8 twin DigitsClassifier.Quantized that model.Quantize(calibrationSamples) builds after training.
[Network(Int8 = true)]
[Input(64)]
[Linear(128, Name = "fc1"), ReLU]
[Linear(10, Name = "fc2")]
public partial class DigitsClassifier;
