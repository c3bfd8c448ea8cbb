using System;
using System.Linq;
using Xunit;

namespace NetDsl.Serialization.Tests;

// F16 and BF16 convert to float32 exactly; F64 rounds to nearest and refuses values beyond float32's range.
public class ConversionTests
{
    private static SafeTensorsFile OneTensor(string dtype, byte[] data, int count) =>
        SafeTensorsFile.Read(SafeTensorsBytes.File(
            SafeTensorsBytes.Q($"{{'t':{{'dtype':'{dtype}','shape':[{count}],'data_offsets':[0,{data.Length}]}}}}"), data));

    [Fact]
    public void Every_F16_value_converts_exactly_as_System_Half_does()
    {
        ushort[] all = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();

        float[] converted = OneTensor("F16", SafeTensorsBytes.U16(all), all.Length).GetFloat32("t");

        for (int i = 0; i < all.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(all[i]);
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(converted[i]),
                $"F16 0x{i:X4}: expected {expected} (0x{BitConverter.SingleToInt32Bits(expected):X8}), got {converted[i]} (0x{BitConverter.SingleToInt32Bits(converted[i]):X8})");
        }
    }

    [Fact]
    public void Every_BF16_value_is_the_upper_half_of_a_float32()
    {
        ushort[] all = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();

        float[] converted = OneTensor("BF16", SafeTensorsBytes.U16(all), all.Length).GetFloat32("t");

        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal(i << 16, BitConverter.SingleToInt32Bits(converted[i]));
        }
    }

    [Fact]
    public void F64_rounds_to_the_nearest_float32()
    {
        var random = new Random(1234);
        double[] values = Enumerable.Range(0, 4096)
            .Select(_ => (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-160, 120)))
            .Concat([0.1, -0.0, 1e-46, -1e-40, (double)float.MaxValue, 3.4028235677973362e38, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon])
            .ToArray();

        float[] converted = OneTensor("F64", SafeTensorsBytes.F64(values), values.Length).GetFloat32("t");

        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits((float)values[i]), BitConverter.SingleToInt32Bits(converted[i]));
        }

        Assert.Equal(float.MaxValue, converted[^6]); // just below the rounding boundary
        Assert.Equal(0f, converted[^1]);              // below float32's smallest subnormal
    }

    [Theory]
    [InlineData(1e39, "1E+39")]
    [InlineData(-1e300, "-1E+300")]
    [InlineData(3.4028235677973366e38, "3.4028235677973366E+38")] // the tie that rounds to infinity
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void F64_values_beyond_float32_are_refused(double value, string text)
    {
        SafeTensorsFile file = OneTensor("F64", SafeTensorsBytes.F64(1, 2, value), 3);

        WeightFileException error = Assert.Throws<WeightFileException>(() => file.GetFloat32("t"));

        Assert.Equal(WeightFileError.ValueOutOfRange, error.Error);
        Assert.Equal("t", error.TensorName);
        Assert.StartsWith($"Tensor 't' holds the F64 value {text} at element 2, outside the range of float32", error.Message);
    }

    [Fact]
    public void Half_precision_PyTorch_files_load_into_networks()
    {
        // model.half().state_dict() and model.to(torch.bfloat16).state_dict() of the counting SeedNet: small integers are exact in both.
        string header = "{'fc1.bias':{'dtype':'D','shape':[2],'data_offsets':[0,4]},'fc1.weight':{'dtype':'D','shape':[2,3],'data_offsets':[4,16]},"
            + "'fc2.bias':{'dtype':'D','shape':[1],'data_offsets':[16,18]},'fc2.weight':{'dtype':'D','shape':[1,2],'data_offsets':[18,22]}}";
        ushort[] half = [0x4700, 0x4800, 0x3C00, 0x4000, 0x4200, 0x4400, 0x4500, 0x4600, 0x4980, 0x4880, 0x4900]; // 7 8 1 2 3 4 5 6 11 9 10
        ushort[] brain = [0x40E0, 0x4100, 0x3F80, 0x4000, 0x4040, 0x4080, 0x40A0, 0x40C0, 0x4130, 0x4110, 0x4120];

        var fromHalf = new SeedNet(1);
        fromHalf.LoadWeights(SafeTensorsBytes.File(SafeTensorsBytes.Q(header.Replace("'D'", "'F16'")), SafeTensorsBytes.U16(half)));
        var fromBrain = new SeedNet(1);
        fromBrain.LoadWeights(SafeTensorsBytes.File(SafeTensorsBytes.Q(header.Replace("'D'", "'BF16'")), SafeTensorsBytes.U16(brain)));

        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(fromHalf));
        Assert.Equal(Models.Bits(Models.Counting()), Models.Bits(fromBrain));
    }

    [Fact]
    public void Double_precision_PyTorch_files_load_rounded()
    {
        // model.double().state_dict(): each value rounds to the nearest float32.
        double[] values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.0 / 3];
        string header = "{'fc1.bias':{'dtype':'F64','shape':[2],'data_offsets':[0,16]},'fc1.weight':{'dtype':'F64','shape':[2,3],'data_offsets':[16,64]},"
            + "'fc2.bias':{'dtype':'F64','shape':[1],'data_offsets':[64,72]},'fc2.weight':{'dtype':'F64','shape':[1,2],'data_offsets':[72,88]}}";
        var model = new SeedNet(1);

        model.LoadWeights(SafeTensorsBytes.File(SafeTensorsBytes.Q(header), SafeTensorsBytes.F64(values)));

        // Data order: fc1.bias, fc1.weight, fc2.bias, fc2.weight; parameter order: fc1.weight, fc1.bias, fc2.weight, fc2.bias.
        float[] expected = [0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.1f, 0.2f, 1.1f, (float)(1.0 / 3), 0.9f];
        Assert.Equal(Models.Bits(expected), Models.Bits(model));
    }
}
