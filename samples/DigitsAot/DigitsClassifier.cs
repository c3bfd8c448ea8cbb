using NetDsl;

namespace DigitsAot;

// The same architecture as samples/Digits. Its trained weights (digits.safetensors, a NetDslWeights item) are checked
// against these layers at build time and compiled in: DigitsClassifier.CreatePretrained() needs no file and no parsing.
[Network(Weights = "digits.safetensors")]
[Input(64)]
[Linear(128, Name = "fc1"), ReLU]
[Linear(10, Name = "fc2")]
public partial class DigitsClassifier;
