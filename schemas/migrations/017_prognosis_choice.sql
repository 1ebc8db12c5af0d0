-- How a saved prognosis line's method was chosen (issue 32): 'best' when
-- `prognosis make --method best` took the method with the lowest backtest error for the
-- month of the year, 'setting' when the setting prognosis.line_methods fixed it, NULL when
-- the chief named it or it is the default. backtest_error is the chosen method's mean
-- absolute percentage error in the backtest (a share: 0.031 = 3.1 %), NULL when none.
ALTER TABLE prognosis ADD COLUMN chosen_by TEXT CHECK (chosen_by IN ('best', 'setting'));
ALTER TABLE prognosis ADD COLUMN backtest_error REAL;
