"""What every lesson shares: the palette and figure style, text alternatives, the widget redraw, and the verdicts
of the exercise checks. Builds on nothing but plotly and ipywidgets."""
