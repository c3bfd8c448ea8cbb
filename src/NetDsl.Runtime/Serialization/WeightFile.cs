using System;
using System.Collections.Generic;
using System.IO;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// Saves and loads a network's parameters as safetensors weight files, under PyTorch's <c>state_dict</c> keys and
/// layouts (<c>fc1.weight</c> as <c>[out, in]</c>), so that a file written by
/// <c>safetensors.torch.save_file(model.state_dict(), path)</c> for an equivalent PyTorch model loads unchanged, and a
/// file written here loads into PyTorch with <c>model.load_state_dict(safetensors.torch.load_file(path))</c>.
/// </summary>
/// <remarks>
/// <para>A load checks the whole file and every tensor against the network (names, shapes, dtypes) before it changes
/// anything: after a failure the network is bit for bit as it was. A save to a path writes a temporary file and
/// renames it, so it never leaves a half-written file.</para>
/// <para>Files record NetDsl's metadata: <c>format</c> = <c>pt</c>, <c>netdsl.architecture</c> (the network's
/// <see cref="INetwork.Architecture"/>) and <c>netdsl.format_version</c> = <c>1</c>. A different or absent
/// architecture does not stop a load whose tensors all match, unless
/// <see cref="WeightLoadOptions.RequireMatchingArchitecture"/> is set. See <c>docs/weights.md</c>.</para>
/// </remarks>
public static class WeightFile
{
    /// <summary>
    /// Saves the network's parameters, and optionally extra tensors and metadata, to <paramref name="path"/>,
    /// atomically: a temporary file in the same directory, flushed to the disk, then renamed over the destination.
    /// </summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="extras">Tensors to save beside the parameters, such as normalization statistics.</param>
    /// <param name="metadata">Entries to add to the file's <c>__metadata__</c>; <c>format</c> and keys starting with <c>netdsl.</c> are reserved.</param>
    /// <exception cref="ArgumentException">An extra tensor has a parameter's name, a reserved or duplicate name, or a metadata key is reserved.</exception>
    /// <exception cref="IOException">The file could not be written; an existing file is left as it was.</exception>
    public static void SaveWeights(this INetwork network, string path, IEnumerable<NamedTensor>? extras = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NetworkWeightSaver.CreateWriter(network, extras, metadata).Save(path);
    }

    /// <summary>
    /// Writes the network's weight file to <paramref name="stream"/> at its current position. Unlike the path overload,
    /// a failure of the stream can leave part of the file written.
    /// </summary>
    /// <param name="network">The network to save.</param>
    /// <param name="stream">The stream to write to; it is flushed, not closed.</param>
    /// <param name="extras">Tensors to save beside the parameters, such as normalization statistics.</param>
    /// <param name="metadata">Entries to add to the file's <c>__metadata__</c>; <c>format</c> and keys starting with <c>netdsl.</c> are reserved.</param>
    /// <exception cref="ArgumentException">An extra tensor has a parameter's name, a reserved or duplicate name, a metadata key is reserved, or the stream cannot be written.</exception>
    /// <exception cref="IOException">The stream could not be written.</exception>
    public static void SaveWeights(this INetwork network, Stream stream, IEnumerable<NamedTensor>? extras = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        NetworkWeightSaver.CreateWriter(network, extras, metadata).WriteTo(stream);
    }

    /// <summary>Returns the network's weight file as bytes.</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="extras">Tensors to save beside the parameters, such as normalization statistics.</param>
    /// <param name="metadata">Entries to add to the file's <c>__metadata__</c>; <c>format</c> and keys starting with <c>netdsl.</c> are reserved.</param>
    /// <returns>The safetensors file.</returns>
    /// <exception cref="ArgumentException">An extra tensor has a parameter's name, a reserved or duplicate name, or a metadata key is reserved.</exception>
    public static byte[] SaveWeightsToArray(this INetwork network, IEnumerable<NamedTensor>? extras = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        NetworkWeightSaver.CreateWriter(network, extras, metadata).ToArray();

    /// <summary>Loads the network's parameters from the weight file at <paramref name="path"/>.</summary>
    /// <param name="network">The network to load into; unchanged if the load fails.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="options">Extra tensors to read and whether the architecture must match; by default, none and no.</param>
    /// <returns>The file's metadata, its recorded architecture and the extra tensors read.</returns>
    /// <exception cref="WeightFileException">The file is malformed, or its tensors do not match the network (<see cref="WeightFileException.Error"/> says how).</exception>
    /// <exception cref="ArgumentException">The options request an extra tensor twice, or one with a parameter's name.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static LoadedWeights LoadWeights(this INetwork network, string path, WeightLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NetworkWeightLoader loader = NetworkWeightLoader.Create(network, options);
        using FileStream stream = File.OpenRead(path);
        return Load(loader, stream);
    }

    /// <summary>
    /// Loads the network's parameters from a weight file read from <paramref name="stream"/>, from its current position
    /// to its end (an embedded resource, for example: <c>assembly.GetManifestResourceStream(name)</c>). The stream need
    /// not be seekable; it is not closed.
    /// </summary>
    /// <param name="network">The network to load into; unchanged if the load fails.</param>
    /// <param name="stream">The stream holding the safetensors file.</param>
    /// <param name="options">Extra tensors to read and whether the architecture must match; by default, none and no.</param>
    /// <returns>The file's metadata, its recorded architecture and the extra tensors read.</returns>
    /// <exception cref="WeightFileException">The file is malformed, or its tensors do not match the network (<see cref="WeightFileException.Error"/> says how).</exception>
    /// <exception cref="ArgumentException">The options request an extra tensor twice, or one with a parameter's name; or the stream cannot be read.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    public static LoadedWeights LoadWeights(this INetwork network, Stream stream, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(NetworkWeightLoader.Create(network, options), stream);
    }

    /// <summary>Loads the network's parameters from a weight file held in memory, without copying it.</summary>
    /// <param name="network">The network to load into; unchanged if the load fails.</param>
    /// <param name="bytes">The safetensors file.</param>
    /// <param name="options">Extra tensors to read and whether the architecture must match; by default, none and no.</param>
    /// <returns>The file's metadata, its recorded architecture and the extra tensors read.</returns>
    /// <exception cref="WeightFileException">The file is malformed, or its tensors do not match the network (<see cref="WeightFileException.Error"/> says how).</exception>
    /// <exception cref="ArgumentException">The options request an extra tensor twice, or one with a parameter's name.</exception>
    public static LoadedWeights LoadWeights(this INetwork network, ReadOnlySpan<byte> bytes, WeightLoadOptions? options = null)
    {
        NetworkWeightLoader loader = NetworkWeightLoader.Create(network, options);
        try
        {
            SafeTensorsHeader header = SafeTensorsHeaderParser.ParseFile(bytes);
            return loader.Load(header, bytes.Slice((int)header.DataStart, (int)header.DataLength));
        }
        catch (SafeTensorsFormatException problem)
        {
            throw WeightFileProblems.ToPublic(problem);
        }
    }

    /// <summary>
    /// Creates a <typeparamref name="TNetwork"/> and loads its parameters from the weight file at <paramref name="path"/>.
    /// The file must hold exactly the network's parameters; to read extra tensors, use <see cref="LoadWeights(INetwork, string, WeightLoadOptions?)"/>.
    /// </summary>
    /// <typeparam name="TNetwork">The generated network class.</typeparam>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The network, with the file's parameters.</returns>
    /// <exception cref="WeightFileException">The file is malformed, or its tensors do not match the network.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static TNetwork Load<TNetwork>(string path)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork network = TNetwork.Create(0);
        network.LoadWeights(path);
        return network;
    }

    /// <summary>Creates a <typeparamref name="TNetwork"/> and loads its parameters from a weight file read from <paramref name="stream"/> to its end.</summary>
    /// <typeparam name="TNetwork">The generated network class.</typeparam>
    /// <param name="stream">The stream holding the safetensors file (an embedded resource, for example).</param>
    /// <returns>The network, with the file's parameters.</returns>
    /// <exception cref="WeightFileException">The stream's file is malformed, or its tensors do not match the network.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    public static TNetwork Load<TNetwork>(Stream stream)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork network = TNetwork.Create(0);
        network.LoadWeights(stream);
        return network;
    }

    /// <summary>Creates a <typeparamref name="TNetwork"/> and loads its parameters from a weight file held in memory.</summary>
    /// <typeparam name="TNetwork">The generated network class.</typeparam>
    /// <param name="bytes">The safetensors file.</param>
    /// <returns>The network, with the file's parameters.</returns>
    /// <exception cref="WeightFileException">The bytes are malformed, or their tensors do not match the network.</exception>
    public static TNetwork Load<TNetwork>(ReadOnlySpan<byte> bytes)
        where TNetwork : class, INetwork<TNetwork>
    {
        TNetwork network = TNetwork.Create(0);
        network.LoadWeights(bytes);
        return network;
    }

    private static LoadedWeights Load(NetworkWeightLoader loader, Stream stream)
    {
        try
        {
            SafeTensorsHeader header = SafeTensorsStreamReader.Read(stream, out byte[] data);
            return loader.Load(header, data);
        }
        catch (SafeTensorsFormatException problem)
        {
            throw WeightFileProblems.ToPublic(problem);
        }
    }
}
