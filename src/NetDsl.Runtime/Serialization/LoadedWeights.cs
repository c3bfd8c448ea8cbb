using System.Collections.Generic;

namespace NetDsl;

/// <summary>What a successful weight load found besides the parameters it loaded: the metadata and the extra tensors.</summary>
public sealed class LoadedWeights
{
    internal LoadedWeights(IReadOnlyDictionary<string, string> metadata, string? architecture, bool architectureMatches, IReadOnlyDictionary<string, NamedTensor> extras)
    {
        Metadata = metadata;
        Architecture = architecture;
        ArchitectureMatches = architectureMatches;
        Extras = extras;
    }

    /// <summary>The file's <c>__metadata__</c> map; empty when it has none (as files written by PyTorch often do).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The architecture the file records (<c>netdsl.architecture</c>), or <see langword="null"/> when it records none.</summary>
    public string? Architecture { get; }

    /// <summary>Whether the file records exactly the network's <see cref="INetwork.Architecture"/>.</summary>
    public bool ArchitectureMatches { get; }

    /// <summary>The extra tensors requested through <see cref="WeightLoadOptions.Extras"/>, by name, as float32.</summary>
    public IReadOnlyDictionary<string, NamedTensor> Extras { get; }
}
