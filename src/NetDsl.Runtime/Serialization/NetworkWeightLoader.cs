using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// Loads a validated header and its data into a network, all or nothing: it checks the version, the architecture
/// (when required) and every tensor against the network (the shared <see cref="SafeTensorsMatcher"/>, as compile-time
/// embedding does), decodes everything into a scratch copy of the parameters, and only then copies that copy into the
/// network. Any failure before the final copy, which cannot fail, leaves the network bit for bit as it was.
/// </summary>
internal sealed class NetworkWeightLoader
{
    private static readonly WeightLoadOptions s_defaults = new();

    private readonly INetwork _network;
    private readonly WeightLoadOptions _options;
    private readonly IReadOnlyList<TensorInfo> _parameters;
    private readonly IReadOnlyList<TensorInfo> _buffers;
    private readonly List<SafeTensorsExpectedTensor> _expected;
    private readonly string[] _extras;

    private NetworkWeightLoader(INetwork network, WeightLoadOptions options, IReadOnlyList<TensorInfo> parameters, IReadOnlyList<TensorInfo> buffers, List<SafeTensorsExpectedTensor> expected, string[] extras)
    {
        _network = network;
        _options = options;
        _parameters = parameters;
        _buffers = buffers;
        _expected = expected;
        _extras = extras;
    }

    /// <summary>Checks the arguments, before any byte is read.</summary>
    public static NetworkWeightLoader Create(INetwork network, WeightLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= s_defaults;
        // The state_dict: parameters, then buffers (batch normalization's running statistics).
        IReadOnlyList<TensorInfo> parameters = network.ParameterTensors;
        IReadOnlyList<TensorInfo> buffers = network.BufferTensors;
        var expected = new List<SafeTensorsExpectedTensor>(parameters.Count + buffers.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorInfo tensor in parameters)
        {
            expected.Add(new SafeTensorsExpectedTensor(tensor.Name, tensor.Shape.ToArray()));
            names.Add(tensor.Name);
        }

        foreach (TensorInfo tensor in buffers)
        {
            expected.Add(new SafeTensorsExpectedTensor(tensor.Name, tensor.Shape.ToArray()));
            names.Add(tensor.Name);
        }

        IReadOnlyList<string> requested = options.Extras ?? [];
        var extras = new string[requested.Count];
        for (int i = 0; i < extras.Length; i++)
        {
            string extra = requested[i];
            if (string.IsNullOrEmpty(extra))
            {
                throw new ArgumentException("The names of extra tensors must not be null or empty.", nameof(options));
            }

            if (!names.Add(extra))
            {
                throw new ArgumentException($"The extra tensor '{extra}' is requested twice, or is a parameter of the network (parameters load anyway).", nameof(options));
            }

            extras[i] = extra;
        }

        return new NetworkWeightLoader(network, options, parameters, buffers, expected, extras);
    }

    /// <summary>Loads <paramref name="data"/> (the data buffer that <paramref name="header"/> describes) into the network.</summary>
    public LoadedWeights Load(SafeTensorsHeader header, ReadOnlySpan<byte> data)
    {
        NetDslWeightMetadata.CheckVersion(header);
        string? architecture = header.FindMetadata(NetDslWeightMetadata.ArchitectureKey);
        bool architectureMatches = string.Equals(architecture, _network.Architecture, StringComparison.Ordinal);
        if (_options.RequireMatchingArchitecture && !architectureMatches)
        {
            throw new SafeTensorsFormatException(
                WeightFileError.ArchitectureMismatch,
                architecture is null
                    ? $"The file records no NetDsl architecture (files written by PyTorch do not), but a matching architecture was required; the network is '{_network.Architecture}'."
                    : $"The file was saved from the architecture '{architecture}', but the network is '{_network.Architecture}'.");
        }

        try
        {
            SafeTensorsMatcher.Check(header, _expected, _extras);
        }
        catch (SafeTensorsFormatException problem) when (architecture is not null && !architectureMatches)
        {
            throw new SafeTensorsFormatException(
                problem.Kind,
                problem.Message + $" (The file was saved from the architecture '{architecture}'; the network is '{_network.Architecture}'.)",
                problem.TensorName);
        }

        float[] scratch = _network.Parameters.ToArray();
        foreach (TensorInfo tensor in _parameters)
        {
            SafeTensorsFloatDecoder.Decode(header.Find(tensor.Name)!, data, scratch.AsSpan(tensor.Offset, tensor.Length));
        }

        float[] bufferScratch = _network.Buffers.ToArray();
        foreach (TensorInfo tensor in _buffers)
        {
            SafeTensorsFloatDecoder.Decode(header.Find(tensor.Name)!, data, bufferScratch.AsSpan(tensor.Offset, tensor.Length));
        }

        var extras = new Dictionary<string, NamedTensor>(_extras.Length, StringComparer.Ordinal);
        foreach (string name in _extras)
        {
            SafeTensorsHeaderEntry entry = header.Find(name)!;
            var values = new float[entry.ElementCount];
            SafeTensorsFloatDecoder.Decode(entry, data, values);
            int[] shape = new int[entry.Shape.Count];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = entry.Shape[d];
            }

            extras.Add(name, new NamedTensor(name, values, shape));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in header.Metadata)
        {
            metadata.Add(pair.Key, pair.Value);
        }

        // Everything is decoded and checked: the only step that touches the network cannot fail.
        scratch.CopyTo(_network.Parameters);
        bufferScratch.CopyTo(_network.Buffers);
        return new LoadedWeights(
            new ReadOnlyDictionary<string, string>(metadata),
            architecture,
            architectureMatches,
            new ReadOnlyDictionary<string, NamedTensor>(extras));
    }
}
