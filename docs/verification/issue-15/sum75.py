"""Sum of the published cells "ages 75 to 99 (99 = 99 or over), both sexes" of Insee's interactive
age pyramid files, as copied in github.com/patrickaubert/healthexpectancies (commit 70f622fe, data-raw/).
No interpolation, no modelling: one sum of cells per year."""
import csv


def read(name: str) -> list[dict]:
    with open(name, encoding="utf-8") as file:
        return list(csv.DictReader(file, delimiter=";"))


YEARS = {"donnees_pyramide_proj_2022.csv": [2022, 2025, 2030, 2035, 2040],
         "donnees_pyramide_act_2022.csv": [2016, 2017, 2018, 2019, 2020, 2021, 2022],
         "donnees_pyramide_act.csv": [2016, 2017, 2018, 2019, 2020, 2021]}

for name, years in YEARS.items():
    rows = read(name)
    ages = sorted({int(r["AGE"]) for r in rows})
    sexes = sorted({r["SEXE"] for r in rows})
    print(f"{name}: {len(rows)} rows, ages {ages[0]}-{ages[-1]}, sexes {sexes}")
    for y in years:
        cells = [r for r in rows if int(r["ANNEE"]) == y and int(r["AGE"]) >= 75]
        by_sex = {s: sum(int(r["POP"]) for r in cells if r["SEXE"] == s) for s in sexes}
        total_all = sum(int(r["POP"]) for r in rows if int(r["ANNEE"]) == y)
        print(f"  {y}: {len(cells)} cells, 75+ = {sum(by_sex.values())}  {by_sex}  (all ages {total_all})")

# Checks against figures printed in Insee Première n° 1881 (central scenario): total population
# 69,3 millions at its 2044 peak, 68,1 millions in 2070; 75+ up by 5,7 millions from 2021 to 2070.
rows = read("donnees_pyramide_proj_2022.csv")
for y in (2035, 2043, 2044, 2045, 2070):
    tot = sum(int(r["POP"]) for r in rows if int(r["ANNEE"]) == y)
    p75 = sum(int(r["POP"]) for r in rows if int(r["ANNEE"]) == y and int(r["AGE"]) >= 75)
    print(f"check {y}: all ages {tot}, 75+ {p75}")
