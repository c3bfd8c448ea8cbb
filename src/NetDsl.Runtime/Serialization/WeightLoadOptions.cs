using System.Collections.Generic;

namespace NetDsl;

/// <summary>How <see cref="WeightFile"/> loads a weight file into a network.</summary>
public sealed class WeightLoadOptions
{
    /// <summary>
    /// The names of extra tensors to read besides the parameters (normalization statistics, for example). Each must be
    /// in the file, in a dtype NetDsl converts to float32; any shape is accepted. They come back in
    /// <see cref="LoadedWeights.Extras"/>. A tensor in the file that is neither a parameter nor listed here is an error
    /// (<see cref="WeightFileError.UnexpectedTensor"/>).
    /// </summary>
    public IReadOnlyList<string> Extras { get; init; } = [];

    /// <summary>
    /// Whether to refuse a file whose recorded architecture (<see cref="INetwork.Architecture"/>) differs from the
    /// network's, or that records none (PyTorch's files do not). Off by default: the tensors are the contract, so a
    /// file loads whenever every tensor matches; <see cref="LoadedWeights.ArchitectureMatches"/> tells whether the
    /// fingerprints agreed. Turn it on to catch, say, weights trained with ReLU loaded into a network that uses Tanh.
    /// </summary>
    public bool RequireMatchingArchitecture { get; init; }
}
