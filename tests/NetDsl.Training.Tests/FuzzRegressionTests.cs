using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Training.Tests;

/// <summary>
/// The corpus found by the coverage-guided fuzzer of the readers (tests/fuzz, SharpFuzz with AFL++; docs/reliability.md),
/// replayed as the harness reads it: every input either loads or throws the reader's typed exception. The
/// <c>crash-*</c> inputs are what the fuzzer reported as crashes before the fix they name.
/// </summary>
public class FuzzRegressionTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "FuzzRegressions");

    public static TheoryData<string> Targets => ["csv", "idx", "safetensors", "weights"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_input_of_the_fuzzer_corpus_loads_or_throws_the_typed_exception(string target)
    {
        string[] files = Directory.GetFiles(Path.Combine(Root, target));
        Assert.True(files.Length > 100, $"the {target} corpus is copied next to the tests ({files.Length} files)");
        int loaded = 0, refused = 0;
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            try
            {
                Read(target, bytes, Path.GetFileName(file));
                loaded++;
            }
            catch (Exception e) when (e is DataFormatException or WeightFileException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{target}/{Path.GetFileName(file)} escaped with {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(loaded > 0 && refused > 0, $"{target}: {loaded} loaded, {refused} refused: the corpus has both");
    }

    /// <summary>The harness's reads (tests/fuzz/NetDsl.Fuzz/Program.cs).</summary>
    private static void Read(string target, byte[] bytes, string name)
    {
        switch (target)
        {
            case "csv":
                CsvLoader.Load(new MemoryStream(bytes), name, new CsvOptions { MissingValues = MissingValuePolicy.ImputeMean, Target = TargetKind.Value });
                break;
            case "idx":
                IdxLoader.Read(new MemoryStream(bytes), name);
                break;
            case "weights":
                var network = new FuzzNetwork(seed: 1);
                float[] before = network.Parameters.ToArray();
                try
                {
                    WeightFile.LoadWeights(network, new MemoryStream(bytes));
                }
                catch (WeightFileException)
                {
                    Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), network.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
                    throw;
                }

                break;
            default:
                SafeTensorsFile file = SafeTensorsFile.Read(new MemoryStream(bytes));
                foreach (SafeTensorsEntry tensor in file.Tensors.Where(t => t.IsFloat32Convertible && t.ElementCount < 1 << 20))
                {
                    file.GetFloat32(tensor.Name);
                }

                break;
        }
    }

    [Fact]
    public void A_csv_column_with_nothing_to_impute_from_is_a_data_format_error_naming_the_file_and_column()
    {
        // Found by the fuzzer: DataCleaner's ArgumentException escaped the loader.
        Assert.Equal(20, Directory.GetFiles(Path.Combine(Root, "csv"), "crash-impute-*").Length);
        foreach (string file in Directory.GetFiles(Path.Combine(Root, "csv"), "crash-impute-*"))
        {
            var error = Assert.Throws<DataFormatException>(() => Read("csv", File.ReadAllBytes(file), "fuzz.csv"));
            Assert.Contains("to impute its missing values from", error.Message);
        }

        byte[] text = Encoding.UTF8.GetBytes("size,rooms,price\n40,nan,1\n80,inf,2\n");
        var named = Assert.Throws<DataFormatException>(() => CsvLoader.Load(new MemoryStream(text), "houses.csv",
            new CsvOptions { HasHeader = true, MissingValues = MissingValuePolicy.ImputeMedian, Target = TargetKind.Value }));
        Assert.Equal("houses.csv: Expected a finite value in column 2 ('rooms') to impute its missing values from (MissingValuePolicy.ImputeMedian), but every row's value there is missing or infinite.", named.Message);
    }

    [Fact]
    public void An_idx_header_declaring_gigabytes_is_reported_truncated_without_allocating_them()
    {
        byte[] bytes = new byte[16 + 3];
        bytes[2] = 0x08;
        bytes[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 1000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 1000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 2000); // 2,000,000,000 bytes declared, 3 present

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DataFormatException>(() => IdxLoader.Read(new MemoryStream(bytes), "huge.idx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("Expected 2000000000 bytes of data after the 16-byte header (1000 x 1000 x 2000 values of 1 byte(s)), but the file is truncated: it ends after 3.", error.Message);
        Assert.True(allocated < 4 << 20, $"reading a 19-byte file allocated {allocated} bytes");
    }
}

/// <summary>The network of the fuzz harness's weights target (tests/fuzz/NetDsl.Fuzz/Program.cs).</summary>
[Network]
[Input(2)]
[Linear(3, Name = "fc1"), ReLU]
[Linear(1, Name = "fc2")]
public partial class FuzzNetwork;
