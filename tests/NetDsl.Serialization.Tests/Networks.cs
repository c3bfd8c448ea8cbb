namespace NetDsl.Serialization.Tests;

// The seed network (fc1.weight [2, 3], fc1.bias [2], fc2.weight [1, 2], fc2.bias [1]) is SeedNet, shared with the other
// test projects: NetDsl.TestSupport/Fixtures.cs.

// The same tensors as SeedNet, but another activation: another architecture fingerprint.
[Network]
[Input(3)]
[Linear(3, 2, Name = "fc1"), Tanh]
[Linear(2, 1, Name = "fc2")]
public partial class SimpleTanhNN;

// fc1.weight [3, 3], fc2.weight [1, 3]: shapes that differ from SeedNet's.
[Network]
[Input(3)]
[Linear(3, 3, Name = "fc1"), ReLU]
[Linear(3, 1, Name = "fc2")]
public partial class WiderNN;

// Unnamed layers are named by position, as nn.Sequential names its children: 0.weight, 0.bias, 2.weight, 2.bias.
[Network]
[Input(3)]
[Linear(2)]
[ReLU]
[Linear(1)]
public partial class UnnamedStack;

// A layer without bias: hidden.weight [3, 4], out.weight [2, 3], out.bias [2].
[Network]
[Input(4)]
[Linear(3, Bias = false, Name = "hidden"), Sigmoid]
[Linear(2, Name = "out")]
public partial class NoBiasNN;

// 128 x 256 + 256 + 256 x 4 + 4 = 34,052 parameters (136 KB): larger than the stream reader's first buffer.
[Network]
[Input(128)]
[Linear(256, Name = "fc1"), ReLU]
[Linear(4, Name = "fc2")]
public partial class LargeNN;

// Batch normalization between two Linear layers: fc.weight [3, 2], fc.bias [3], bn.weight, bn.bias, bn.running_mean,
// bn.running_var [3], out.weight [1, 3], out.bias [1]; PyTorch's files also carry bn.num_batches_tracked.
[Network]
[Input(2)]
[Linear(3, Name = "fc")]
[BatchNorm1D(Name = "bn")]
[Linear(1, Name = "out")]
public partial class BatchNormNN;
