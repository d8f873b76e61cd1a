//! `exp` and `ln` over slices, four lanes at a time.
//!
//! Building the agents' step tables costs K * A + K exponentials and K + 1
//! logarithms per agent per generation, a libm call each. The `wide` crate
//! (portable SIMD on stable Rust; polynomial `exp` and `ln` within an ulp
//! or two of libm) evaluates four at once, which cut the table build of
//! the preset at N = 100,000 by a sixth. Every lane runs the same
//! arithmetic, so a value's result never depends on where it sits in the
//! slice: the numbers stay independent of batching and threads.

use wide::f64x4;

/// `out[i] = exp(x[i])`. Results below the smallest normal number (x <
/// -708.4) may be flushed to zero.
pub fn exp(x: &[f64], out: &mut [f64]) {
    map4(x, out, 0.0, f64x4::exp);
}

/// `out[i] = ln(x[i])`.
pub fn ln(x: &[f64], out: &mut [f64]) {
    map4(x, out, 1.0, f64x4::ln);
}

/// Apply `f` four values at a time; the last partial group is padded with
/// `pad` (a value `f` handles on its fast path).
#[inline(always)]
fn map4(x: &[f64], out: &mut [f64], pad: f64, f: impl Fn(f64x4) -> f64x4) {
    assert_eq!(x.len(), out.len());
    let mut xs = x.chunks_exact(4);
    let mut os = out.chunks_exact_mut(4);
    for (xc, oc) in (&mut xs).zip(&mut os) {
        let v = f(f64x4::new([xc[0], xc[1], xc[2], xc[3]]));
        oc.copy_from_slice(&v.to_array());
    }
    let rest = xs.remainder();
    if !rest.is_empty() {
        let mut buf = [pad; 4];
        buf[..rest.len()].copy_from_slice(rest);
        let v = f(f64x4::new(buf)).to_array();
        os.into_remainder().copy_from_slice(&v[..rest.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_relative_error(xs: &[f64], ours: fn(&[f64], &mut [f64]), libm: fn(f64) -> f64) -> f64 {
        let mut out = vec![0.0; xs.len()];
        ours(xs, &mut out);
        xs.iter()
            .zip(&out)
            .map(|(&x, &y)| {
                let want = libm(x);
                if want == 0.0 { y.abs() } else { ((y - want) / want).abs() }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exp_matches_libm_to_an_ulp_or_two() {
        // The range the table build uses: shifted logits x - max <= 0, down
        // to the smallest normal result.
        let xs: Vec<f64> = (0..200_001).map(|i| -708.0 * i as f64 / 200_000.0).chain([-1e-300, 0.5, 3.0]).collect();
        let e = max_relative_error(&xs, exp, f64::exp);
        assert!(e < 1e-15, "{e}");
        // Below it libm returns denormals and `wide` may flush to zero: an
        // absolute error under 2.3e-308, nothing next to a row's largest term, 1.
        let (low, mut out) = ([-708.5, -720.0, -745.0, -1000.0], [1.0; 4]);
        exp(&low, &mut out);
        assert!(low.iter().zip(&out).all(|(&x, &y)| (y - x.exp()).abs() < 2.3e-308 && y >= 0.0));
        exp(&[0.0], &mut out[..1]);
        assert_eq!(out[0], 1.0);
    }

    #[test]
    fn ln_matches_libm_to_an_ulp_or_two() {
        let xs: Vec<f64> = (0..100_000)
            .map(|i| 1.0 + i as f64 * 0.37)
            .chain((1..600).map(|p| 10f64.powf(p as f64 * 0.5 - 150.0)))
            .collect();
        let e = max_relative_error(&xs, ln, f64::ln);
        assert!(e < 1e-15, "{e}");
        let mut out = [7.0];
        ln(&[1.0], &mut out);
        assert_eq!(out[0], 0.0);
    }

    #[test]
    fn a_value_gets_the_same_result_in_any_lane() {
        let xs = [-0.3, -1.7, -2.2, -9.1, -0.01];
        let mut whole = [0.0; 5];
        exp(&xs, &mut whole);
        for (i, &x) in xs.iter().enumerate() {
            let mut one = [0.0];
            exp(&[x], &mut one);
            assert_eq!(one[0].to_bits(), whole[i].to_bits());
        }
    }
}
