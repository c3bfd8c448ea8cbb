using NetDsl;

namespace SeedNetwork;

// The seed document's network: Linear(3, 2) -> ReLU -> Linear(2, 1).
[Network]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
[Linear(2, 1, Name = "fc2")]
public partial class SimpleNN;
