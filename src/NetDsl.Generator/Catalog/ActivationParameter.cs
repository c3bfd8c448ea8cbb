namespace NetDsl.Generator.Catalog;

/// <summary>A hyper-parameter of an activation attribute, passed to the runtime's methods after the tensors.</summary>
/// <param name="Name">The attribute's property name (<c>NegativeSlope</c>), also the resolved option's name.</param>
/// <param name="Default">PyTorch's default.</param>
/// <param name="Positional">Whether it is a constructor argument (<c>[ELU(0.5)]</c>) rather than a named one (<c>[Softplus(Beta = 2)]</c>).</param>
/// <param name="MustBePositive">Whether a value of zero or less is refused (NDSL0022), as a divisor such as Softplus's beta.</param>
internal sealed record ActivationParameter(string Name, double Default, bool Positional, bool MustBePositive = false);
