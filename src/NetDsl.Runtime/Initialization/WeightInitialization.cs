namespace NetDsl;

/// <summary>A scheme for every weight of a network, for <see cref="Initializers.Initialize(INetwork, WeightInitialization, int, Nonlinearity)"/>.</summary>
public enum WeightInitialization
{
    /// <summary>Xavier/Glorot uniform (<c>xavier_uniform_</c>).</summary>
    XavierUniform,

    /// <summary>Xavier/Glorot normal (<c>xavier_normal_</c>).</summary>
    XavierNormal,

    /// <summary>Kaiming/He uniform (<c>kaiming_uniform_</c>, fan-in mode).</summary>
    KaimingUniform,

    /// <summary>Kaiming/He normal (<c>kaiming_normal_</c>, fan-in mode).</summary>
    KaimingNormal,
}
