"""The calculator: spec grammar, Layer, geometry, solver, receptive field, networks."""
