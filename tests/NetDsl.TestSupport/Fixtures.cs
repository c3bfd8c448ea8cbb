using NetDsl;

namespace NetDsl.TestSupport;

/// <summary>
/// The seed document's network, which several test projects train, save and load: Linear(3, 2) -> ReLU ->
/// Linear(2, 1), with PyTorch's keys fc1.weight [2, 3], fc1.bias [2], fc2.weight [1, 2], fc2.bias [1].
/// </summary>
[Network]
[Input(3)]
[Linear(3, 2, Name = "fc1"), ReLU]
[Linear(2, 1, Name = "fc2")]
public partial class SeedNet;
