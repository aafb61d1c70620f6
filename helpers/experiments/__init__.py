"""The named experiments: the pipeline run over seeds, one record per seed and condition.

:mod:`.catalog` defines them and :mod:`.__main__` is their command line (``python -m helpers.experiments NAME
--seeds 0-9 --format csv``); :mod:`.results` lists the command behind each shipped file in data/results/ and
remakes them (``make results``); :mod:`.summaries` reduces records over seeds. :mod:`.persona_space` holds lesson
06's measurements, :mod:`.curves` the pretraining curve and :mod:`.weights` the shipped weights' command.
Experiments build on the engine alone.
"""
