using NetDsl;

namespace DigitsAot;

// The same architecture as samples/Digits. Its trained weights (digits.safetensors, a NetDslWeights item) are checked
// against these layers at build time and compiled in: DigitsClassifier.CreatePretrained() needs no file and no parsing.
// The int8 network quantized from them (digits.int8.safetensors, saved by samples/Digits) is compiled in as well:
// DigitsClassifier.Quantized.CreatePretrained().
[Network(Weights = "digits.safetensors", Int8 = true, Int8Weights = "digits.int8.safetensors")]
[Input(64)]
[Linear(128, Name = "fc1"), ReLU]
[Linear(10, Name = "fc2")]
public partial class DigitsClassifier;
