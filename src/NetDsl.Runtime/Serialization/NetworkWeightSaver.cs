using System;
using System.Collections.Generic;
using NetDsl.Serialization;

namespace NetDsl;

/// <summary>
/// Prepares a network's weight file: a snapshot of its parameters under their <c>state_dict</c> keys, the caller's
/// extra tensors and metadata, and NetDsl's own metadata (<c>format</c>: <c>pt</c>, the architecture fingerprint and
/// the weight-file version). Every argument is checked here, before anything is written.
/// </summary>
internal static class NetworkWeightSaver
{
    public static SafeTensorsWriter CreateWriter(INetwork network, IEnumerable<NamedTensor>? extras, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(network);

        // A snapshot, so that the file holds one consistent state even if the stream is slow.
        float[] snapshot = network.ReadParameters().ToArray();
        var writer = new SafeTensorsWriter();
        var parameterNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorInfo tensor in network.ParameterTensors)
        {
            writer.Add(tensor.Name, snapshot.AsMemory(tensor.Offset, tensor.Length), tensor.Shape);
            parameterNames.Add(tensor.Name);
        }

        // Buffers (batch normalization's running statistics) belong to the state_dict too.
        float[] bufferSnapshot = network.Buffers.ToArray();
        foreach (TensorInfo tensor in network.BufferTensors)
        {
            writer.Add(tensor.Name, bufferSnapshot.AsMemory(tensor.Offset, tensor.Length), tensor.Shape);
            parameterNames.Add(tensor.Name);
        }

        if (extras is not null)
        {
            foreach (NamedTensor? extra in extras)
            {
                if (extra is null)
                {
                    throw new ArgumentException("The extra tensors contain null.", nameof(extras));
                }

                if (parameterNames.Contains(extra.Name))
                {
                    throw new ArgumentException($"The extra tensor '{extra.Name}' has the name of a parameter of the network.", nameof(extras));
                }

                writer.Add(extra);
            }
        }

        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> pair in metadata)
            {
                if (NetDslWeightMetadata.IsReserved(pair.Key))
                {
                    throw new ArgumentException(
                        $"The metadata key '{pair.Key}' is reserved: NetDsl writes '{NetDslWeightMetadata.FormatKey}' and the keys that start with 'netdsl.' itself.",
                        nameof(metadata));
                }

                writer.SetMetadata(pair.Key, pair.Value);
            }
        }

        writer.SetMetadata(NetDslWeightMetadata.FormatKey, NetDslWeightMetadata.FormatValue);
        writer.SetMetadata(NetDslWeightMetadata.ArchitectureKey, network.Architecture);
        writer.SetMetadata(NetDslWeightMetadata.VersionKey, NetDslWeightMetadata.CurrentVersion);
        return writer;
    }
}
