# The same program in PyTorch, for comparison with `dotnet run --project samples/SeedNetwork`.
# (PyTorch is not installed on the project's machines; the NetDsl tests check every printed number
# against an independent double-precision reference implementation instead.)
import torch
from torch import nn

model = nn.Sequential()
model.add_module("fc1", nn.Linear(3, 2))
model.add_module("relu", nn.ReLU())
model.add_module("fc2", nn.Linear(2, 1))
with torch.no_grad():
    model.fc1.weight.copy_(torch.tensor([[0.1, 0.2, 0.3], [-0.4, 0.1, -0.2]]))
    model.fc1.bias.copy_(torch.tensor([0.1, -0.1]))
    model.fc2.weight.copy_(torch.tensor([[0.5, -0.3]]))
    model.fc2.bias.copy_(torch.tensor([0.1]))

x = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
y = torch.tensor([[1.0]])
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

optimizer.zero_grad()
prediction = model(x)
loss = loss_fn(prediction, y)
loss.backward()
print("prediction", prediction.item(), "loss", loss.item())
for name, p in model.named_parameters():
    print(name, "grad", p.grad.tolist())
print("x grad", x.grad.tolist())
optimizer.step()
for name, p in model.named_parameters():
    print(name, p.tolist())

steps = 1
while True:
    loss = loss_fn(model(x), y)
    if loss.item() < 1e-6:
        break
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    steps += 1
print("loss", loss.item(), "after", steps, "SGD steps")
