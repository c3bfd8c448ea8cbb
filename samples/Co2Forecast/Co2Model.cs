using NetDsl;

namespace Co2Forecast;

// The last 52 weeks of CO2, one value per step (oldest first) -> an LSTM of 32 units whose final state feeds one
// linear output: next week's change (see ForecastTarget). The generator writes the rest of this class: forward,
// backpropagation through time, parameters under PyTorch's names (lstm.weight_ih_l0, ..., head.weight, head.bias).
[Network]
[Input(Window, 1)]
[LSTM(32, ReturnSequences = false, Name = "lstm")]
[Linear(1, Name = "head")]
public partial class Co2Model
{
    /// <summary>W: the weeks of history each forecast reads.</summary>
    public const int Window = 52;
}
