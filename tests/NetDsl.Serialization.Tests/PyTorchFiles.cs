using System.Text;

namespace NetDsl.Serialization.Tests;

/// <summary>
/// Files exactly as <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes them, built by hand (no
/// metadata, tensors sorted by name, compact JSON, header padded with spaces to a multiple of 8 bytes).
/// </summary>
internal static class PyTorchFiles
{
    /// <summary>
    /// For <c>nn.Sequential(OrderedDict(fc1=nn.Linear(3, 2), relu=nn.ReLU(), fc2=nn.Linear(2, 1)))</c> whose
    /// <c>state_dict()</c> holds fc1.weight = [[1, 2, 3], [4, 5, 6]], fc1.bias = [7, 8], fc2.weight = [[9, 10]],
    /// fc2.bias = [11].
    /// </summary>
    public static readonly byte[] SimpleNNCounting =
    [
        .. SafeTensorsBytes.LengthPrefix(256), // a 254-byte header and two spaces
        .. Encoding.ASCII.GetBytes(SafeTensorsBytes.Q(
            "{'fc1.bias':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'fc1.weight':{'dtype':'F32','shape':[2,3],'data_offsets':[8,32]},"
            + "'fc2.bias':{'dtype':'F32','shape':[1],'data_offsets':[32,36]},'fc2.weight':{'dtype':'F32','shape':[1,2],'data_offsets':[36,44]}}  ")),
        .. SafeTensorsBytes.F32(7, 8),
        .. SafeTensorsBytes.F32(1, 2, 3, 4, 5, 6),
        .. SafeTensorsBytes.F32(11),
        .. SafeTensorsBytes.F32(9, 10),
    ];
}
