using NetDsl;

namespace DigitsAot;

// The same architecture as samples/Digits, whose trained weights (digits.safetensors) are embedded in this program.
[Network]
[Input(64)]
[Linear(128, Name = "fc1"), ReLU]
[Linear(10, Name = "fc2")]
public partial class DigitsClassifier;
