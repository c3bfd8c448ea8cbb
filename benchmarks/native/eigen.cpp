// Eigen 3.4 variant of the C++ baseline (issue 6): N1 and N2 forward and training steps written with Eigen matrix
// expressions over the same exported weights (Eigen::Map over the flat parameter vector, PyTorch's row-major [out, in]
// layouts), compile-time sizes, single-threaded (no OpenMP). Built by run.sh when Eigen's headers are installed
// (apt-get install libeigen3-dev). Each result is first checked against NetDsl's, relative 1e-4, then timed.
#include "common.h"
#include <Eigen/Dense>
#include <memory>

template <int R, int C> using Mat = Eigen::Matrix<float, R, C, Eigen::RowMajor>;
template <int R, int C> using MapM = Eigen::Map<Mat<R, C>>;

// Linear(IN, HID) - ReLU - Linear(HID, OUT) on batches of B samples (rows); parameters w1 [HID, IN], b1, w2 [OUT, HID],
// b2 in one flat vector (state_dict order), gradients likewise.
template <int B, int IN, int HID, int OUT> struct EigenMlp {
    static constexpr int W1 = 0, B1 = HID * IN, W2 = B1 + HID, B2 = W2 + OUT * HID, P = B2 + OUT;
    Vec p = Vec(P), g = Vec(P), hbuf = Vec(B * HID), ybuf = Vec(B * OUT), dybuf = Vec(B * OUT), dhbuf = Vec(B * HID);
    MapM<HID, IN> w1{p.data() + W1};
    MapM<1, HID> b1{p.data() + B1};
    MapM<OUT, HID> w2{p.data() + W2};
    MapM<1, OUT> b2{p.data() + B2};
    MapM<HID, IN> gw1{g.data() + W1};
    MapM<1, HID> gb1{g.data() + B1};
    MapM<OUT, HID> gw2{g.data() + W2};
    MapM<1, OUT> gb2{g.data() + B2};
    MapM<B, HID> h{hbuf.data()};
    MapM<B, OUT> y{ybuf.data()};
    MapM<B, OUT> dy{dybuf.data()};
    MapM<B, HID> dh{dhbuf.data()};

    EigenMlp() = default;
    EigenMlp(const EigenMlp&) = delete;

    // Copies parameters in (never reallocates: the maps above point into p).
    void set(const Vec& from) {
        if (from.size() != p.size()) { fprintf(stderr, "parameter count %zu, expected %zu\n", from.size(), p.size()); exit(1); }
        std::copy(from.begin(), from.end(), p.begin());
    }

    void forward(const float* xp) {
        Eigen::Map<const Mat<B, IN>> x(xp);
        h.noalias() = x * w1.transpose();
        h.rowwise() += b1;
        h = h.cwiseMax(0.0f);
        y.noalias() = h * w2.transpose();
        y.rowwise() += b2;
    }

    // Zero gradients, forward, loss (MSE mean, or softmax cross-entropy mean over the batch), backward, SGD.
    float step(const float* xp, const float* t, bool cross_entropy, float lr) {
        Eigen::Map<const Mat<B, IN>> x(xp);
        Eigen::Map<Eigen::VectorXf> gv(g.data(), P), pv(p.data(), P);
        gv.setZero();
        forward(xp);
        float loss;
        if (!cross_entropy) {
            Eigen::Map<const Mat<B, OUT>> target(t);
            dy = y - target;
            loss = dy.squaredNorm() / (B * OUT);
            dy *= 2.0f / (B * OUT);
        } else {
            loss = 0;
            for (int n = 0; n < B; n++) {
                float m = y.row(n).maxCoeff();
                dy.row(n) = (y.row(n).array() - m).exp().matrix();
                float sum = dy.row(n).sum();
                int target = (int)t[n];
                loss += std::log(sum) + m - y(n, target);
                dy.row(n) /= sum;
                dy(n, target) -= 1.0f;
            }
            loss /= B;
            dy /= (float)B;
        }
        gw2.noalias() += dy.transpose() * h;
        gb2 += dy.colwise().sum();
        dh.noalias() = dy * w2;
        dh = (h.array() > 0.0f).select(dh, 0.0f);
        gw1.noalias() += dh.transpose() * x;
        gb1 += dh.colwise().sum();
        pv -= lr * gv;
        return loss;
    }
};

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : ".";
    Reporter rep;
    printf("Eigen %d.%d.%d, SIMD: %s\n", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, Eigen::SimdInstructionSetsInUse());
    {
        Case c = load(dir + "/n1_b1.bin");
        EigenMlp<1, 3, 2, 1> m;
        m.set(c.p);
        auto f = [&] { m.forward(c.x.data()); sink = m.ybuf[0]; };
        f();
        double err = check(m.ybuf, c.expected);
        rep.line("Eigen N1 forward, batch 1", {err}, median_ns(f));
    }
    {
        Case c = load(dir + "/n2_b1.bin");
        auto m = std::make_unique<EigenMlp<1, 784, 128, 10>>();
        m->set(c.p);
        auto f = [&] { m->forward(c.x.data()); sink = m->ybuf[0]; };
        f();
        double err = check(m->ybuf, c.expected);
        rep.line("Eigen N2 forward, batch 1", {err}, median_ns(f));
    }
    {
        Case c = load(dir + "/n2_b64.bin");
        auto m = std::make_unique<EigenMlp<64, 784, 128, 10>>();
        m->set(c.p);
        auto f = [&] { m->forward(c.x.data()); sink = m->ybuf[0]; };
        f();
        double err = check(m->ybuf, c.expected);
        rep.line("Eigen N2 forward, batch 64", {err}, median_ns(f));
    }
    auto train = [&](auto& m, const char* name, const std::string& path, bool cross_entropy) {
        TrainCase c = load_train(path);
        m.set(c.p);
        float loss = m.step(c.x.data(), c.t.data(), cross_entropy, c.lr);
        double e_loss = check(&loss, Vec{c.loss}), e_grad = check(m.g, c.grads), e_upd = check(m.p, c.updated);
        m.set(c.p);
        double ns = median_ns([&] { sink = m.step(c.x.data(), c.t.data(), cross_entropy, c.lr); });
        double e_finite = check(m.p, m.p);
        rep.line(name, {e_loss, e_grad, e_upd, std::isfinite(e_finite) ? 0.0 : e_finite}, ns);
    };
    {
        EigenMlp<1, 3, 2, 1> m;
        train(m, "Eigen N1 train step, b1", dir + "/n1_train_b1.bin", false);
    }
    {
        auto m = std::make_unique<EigenMlp<32, 784, 128, 10>>();
        train(*m, "Eigen N2 train step, b32", dir + "/n2_train_b32.bin", true);
    }
    return rep.failures == 0 ? 0 : 1;
}
