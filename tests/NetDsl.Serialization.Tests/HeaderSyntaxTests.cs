using System.Linq;
using System.Text;
using Xunit;

namespace NetDsl.Serialization.Tests;

// What the header reader accepts: all of JSON that serde_json (the reference's parser) accepts in a header.
public class HeaderSyntaxTests
{
    private static SafeTensorsFile Read(string header, params byte[][] data) => SafeTensorsFile.Read(SafeTensorsBytes.Unpadded(header, data));

    [Fact]
    public void Whitespace_may_surround_every_token()
    {
        SafeTensorsFile file = Read(" \t\r\n{ \"w\" :\n{ \"dtype\" : \"F32\" ,\t\"shape\" : [ 2 ] , \"data_offsets\" : [ 0 , 8 ] } }\r\n", SafeTensorsBytes.F32(1, 2));

        Assert.Equal([1f, 2f], file.GetFloat32("w"));
    }

    [Fact]
    public void String_escapes_are_decoded_in_names_and_metadata()
    {
        string header = "{\"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\\b\\f\\n\\r\\t\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
            + "\"__metadata__\":{\"caf\\u00E9\":\"\u00e9t\u00e9 \U0001F600\"}}";

        SafeTensorsFile file = Read(header, SafeTensorsBytes.F32(5));

        Assert.Equal("a\"b\\c/d\u00e9\U0001F600\b\f\n\r\t", file.Tensors.Single().Name);
        Assert.Equal("\u00e9t\u00e9 \U0001F600", file.Metadata["caf\u00e9"]);
    }

    [Fact]
    public void Unknown_fields_of_a_tensor_are_ignored_as_the_reference_ignores_them()
    {
        SafeTensorsFile file = Read(SafeTensorsBytes.Q(
            "{'w':{'note':{'nested':[1,-2.5e-3,true,false,null,'x',{}]},'dtype':'F32','shape':[1],'data_offsets':[0,4],'extra':[]}}"), SafeTensorsBytes.F32(1));

        Assert.Equal("F32", file.GetTensor("w").Dtype);
    }

    [Fact]
    public void Null_metadata_is_no_metadata_and_empty_metadata_is_allowed()
    {
        Assert.Empty(Read(SafeTensorsBytes.Q("{'__metadata__':null}")).Metadata);
        Assert.Empty(Read(SafeTensorsBytes.Q("{'__metadata__':{}}")).Metadata);
    }

    [Fact]
    public void Numbers_up_to_the_largest_64_bit_integer_are_read()
    {
        // A zero dimension makes the size zero whatever the others are (dimensions are capped at 2^31 - 1 only when used).
        SafeTensorsFile file = Read(SafeTensorsBytes.Q("{'w':{'dtype':'F32','shape':[0,2147483647],'data_offsets':[0,0]}}"));

        Assert.Equal([0, int.MaxValue], file.GetTensor("w").Shape.ToArray());
    }

    [Fact]
    public void Raw_UTF8_names_are_read()
    {
        byte[] header = Encoding.UTF8.GetBytes(SafeTensorsBytes.Q("{'gewicht.\u00fcber.\u4e2d':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}"));

        SafeTensorsFile file = SafeTensorsFile.Read(SafeTensorsBytes.Raw(header, SafeTensorsBytes.F32(2)));

        Assert.Equal([2f], file.GetFloat32("gewicht.\u00fcber.\u4e2d"));
    }

    [Fact]
    public void Tensors_of_every_safetensors_dtype_are_accepted_and_sized_by_it()
    {
        (string Dtype, int Bits)[] dtypes =
        [
            ("BOOL", 8), ("F4", 4), ("F6_E2M3", 6), ("F6_E3M2", 6), ("U8", 8), ("I8", 8), ("F8_E5M2", 8), ("F8_E4M3", 8), ("F8_E8M0", 8),
            ("F8_E4M3FNUZ", 8), ("F8_E5M2FNUZ", 8), ("I16", 16), ("U16", 16), ("F16", 16), ("BF16", 16), ("I32", 32), ("U32", 32),
            ("F32", 32), ("C64", 64), ("F64", 64), ("I64", 64), ("U64", 64),
        ];
        var header = new StringBuilder("{");
        long offset = 0;
        foreach ((string dtype, int bits) in dtypes)
        {
            long bytes = 4 * bits / 8; // shape [4]: whole bytes for every dtype
            header.Append(offset == 0 ? "" : ",").Append($"\"{dtype.ToLowerInvariant()}\":{{\"dtype\":\"{dtype}\",\"shape\":[4],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }

        SafeTensorsFile file = Read(header.Append('}').ToString(), new byte[offset]);

        Assert.Equal(dtypes.Select(d => d.Dtype), file.Tensors.Select(t => t.Dtype));
        Assert.Equal(["F16", "BF16", "F32", "F64"], file.Tensors.Where(t => t.IsFloat32Convertible).Select(t => t.Dtype));
    }
}
