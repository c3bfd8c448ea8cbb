using System;
using SeedNetwork;

var model = new SimpleNN(seed: 1);
var output = model.Forward(new SimpleNN.Input(1f, 2f, 3f));
Console.WriteLine(output);
Console.WriteLine(SimpleNN.Summary);
