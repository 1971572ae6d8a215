"""Answers from the store for the CLI and the web: a process as of a day and each part of its
overview (records, averages, forecast, speeds), the rounds known, findings; and the races
``polls-eval`` reads. The statistics they call (:mod:`treatywatch.stats`) get values only."""
