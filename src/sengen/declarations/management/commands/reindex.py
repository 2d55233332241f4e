from sengen.declarations import publicindex

from ._base import SengenCommand


class Command(SengenCommand):
    help = ("公開ページの検索索引と年度ごとの集計を、公開済みの内容から作り直します"
            "（公開記録のない、以前に公開された目標宣言も含みます）")

    def handle(self, *args, **options):
        self.require_migrated_database()
        done = publicindex.rebuild()
        self.stdout.write(f"索引を作り直しました: 目標宣言 {done['declarations']} 件、取組 {done['initiatives']} 件")
