using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Emit;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>Emitted numbers are C# literals that round-trip, and the non-finite values are written by name.</summary>
public sealed class LiteralsTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(1e-5)]
    [InlineData(-3.25)]
    [InlineData(123456789.0)]
    [InlineData(double.Epsilon)]
    public void FiniteValues_AreLiteralsThatRoundTrip(double value)
    {
        Assert.Equal((float)value, (float)LiteralValue(Literals.Float(value)));
        Assert.Equal(value, (double)LiteralValue(Literals.Double(value)));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "PositiveInfinity")]
    [InlineData(double.NegativeInfinity, "NegativeInfinity")]
    public void NonFiniteValues_AreNamedConstants(double value, string name)
    {
        Assert.Equal("float." + name, Literals.Float(value));
        Assert.Equal("double." + name, Literals.Double(value));
    }

    private static object LiteralValue(string text)
    {
        ExpressionSyntax expression = SyntaxFactory.ParseExpression(text);
        bool negative = expression is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression };
        var literal = Assert.IsType<LiteralExpressionSyntax>(negative ? ((PrefixUnaryExpressionSyntax)expression).Operand : expression);
        Assert.False(expression.ContainsDiagnostics, text);
        object parsed = literal.Token.Value!;
        return negative ? parsed switch { float f => -f, double d => -d, _ => parsed } : parsed;
    }
}
